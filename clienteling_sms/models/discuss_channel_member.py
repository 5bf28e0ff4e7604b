from odoo import models


class DiscussChannelMember(models.Model):
    _inherit = "discuss.channel.member"

    def _to_store(self, store, /, *, fields=None, extra_fields=None):
        members = self
        if self.env.context.get("clienteling_text_own_member_only"):
            # the list of channels (discuss.channel._to_store): of a text chat's
            # members, only the user's own
            partner = self.env["res.partner"]._get_current_persona()[0]
            members = self.filtered(
                lambda member: (
                    member.channel_id.channel_type != "clienteling_text"
                    or (partner and member.partner_id == partner)
                )
            )
        return super(DiscussChannelMember, members)._to_store(
            store, fields=fields, extra_fields=extra_fields
        )

    def init(self):
        result = super().init()
        # Whose chats (the is_member rule of every channel query): an index-only scan
        # of the user's memberships, tens of thousands for a store's associate
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS discuss_channel_member_partner_channel_idx "
            "ON discuss_channel_member (partner_id, channel_id)"
        )
        return result
