from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.throttling import ScopedRateThrottle

from .selectors import staff_list


class UserOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    email = serializers.CharField(help_text="Email address; empty when there is none.")
    roles = serializers.ListField(child=serializers.CharField(), source="role_names")


class MeApi(APIView):
    """The logged-in staff member and their roles."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=UserOutputSerializer)
    def get(self, request):
        return Response(UserOutputSerializer(request.user).data)


class StaffListApi(generics.ListAPIView):
    """Active staff accounts (clinic admins only)."""

    serializer_class = UserOutputSerializer

    def get_queryset(self):
        return staff_list()


class TokenApi(ObtainAuthToken):
    """Exchange a username and password for an API token (throttled; failures count towards lockout)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
