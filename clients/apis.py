from rest_framework import generics, serializers

from .models import Client
from .selectors import client_list


class ClientOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Client
        fields = ["id", "first_name", "last_name", "date_of_birth", "sex", "email", "phone", "preferred_channel"]


class ClientListApi(generics.ListAPIView):
    """Clients, searchable by name, phone or email (`?search=`)."""

    serializer_class = ClientOutputSerializer
    def get_queryset(self):
        return client_list(search=self.request.query_params.get("search", ""))
