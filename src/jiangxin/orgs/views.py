from django.http import HttpResponse


def organization_list(request):  # type: ignore[no-untyped-def]
    return HttpResponse("orgs")


user_list = organization_list
