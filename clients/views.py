from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render

from .selectors import client_list as select_clients


@login_required
@permission_required("clients.view_client", raise_exception=True)
def client_list(request):
    search = request.GET.get("q", "").strip()
    return render(request, "clients/client_list.html", {"clients": select_clients(search=search)[:200], "q": search})
