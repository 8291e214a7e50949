from accounts.navigation import entries_for, menu_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": [], "nav_menu": []}
    entries = entries_for(user)
    return {"nav_entries": entries, "nav_menu": menu_for(entries)}
