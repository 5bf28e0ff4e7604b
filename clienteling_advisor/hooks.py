def uninstall_hook(env):
    """Give the Clienteling app its own entry back (its first menu) when the Advisor goes."""
    root = env.ref("clienteling.clienteling_menu_root", raise_if_not_found=False)
    advisor = env.ref("clienteling_advisor.clienteling_advisor_category_action")
    if root and root.action == advisor:
        root.action = False
