from django.shortcuts import render

from core.decorators import staff_permission_required

from .selectors import staff_list as select_staff


@staff_permission_required("accounts.view_user")
def staff_list(request):
    return render(request, "accounts/staff_list.html", {"staff": select_staff()})
