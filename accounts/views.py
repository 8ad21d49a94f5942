from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render

from .selectors import staff_list as select_staff


@login_required
@permission_required("accounts.view_user", raise_exception=True)
def staff_list(request):
    return render(request, "accounts/staff_list.html", {"staff": select_staff()})
