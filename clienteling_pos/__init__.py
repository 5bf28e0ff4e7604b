from . import models


def post_init_hook(env):
    """Existing stores get the till's default consent sentence in every language."""
    env["clienteling.store"].sudo().with_context(active_test=False).search(
        []
    )._pos_set_default_wording_translations()
