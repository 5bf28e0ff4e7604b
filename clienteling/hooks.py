def post_init_hook(env):
    """Every company gets the default opt-in message (the data file covers the main one)."""
    env["clienteling.quick.reply"].sudo()._ensure_opt_in_message(env["res.company"].search([]))
