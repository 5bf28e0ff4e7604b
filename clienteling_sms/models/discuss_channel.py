from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tools import SQL, html2plaintext


class DiscussChannel(models.Model):
    """A clienteling conversation seen in Discuss: its texts are this channel's
    messages, its members the associates who answer the number."""

    _inherit = "discuss.channel"

    channel_type = fields.Selection(
        selection_add=[("clienteling_text", "Customer Texts")],
        ondelete={"clienteling_text": "cascade"},
    )
    clienteling_conversation_id = fields.Many2one(
        "clienteling.conversation",
        string="Text Conversation",
        index="btree_not_null",
        readonly=True,
        ondelete="cascade",
    )

    def _search_is_member(self, operator, operand):
        # Odoo lists the user's channels (partner.channel_ids) to search them by id,
        # expecting hundreds: a store's associate is a member of tens of thousands
        # of text chats, which took seconds at every page load. A sub-query instead.
        partner, guest = self.env["res.partner"]._get_current_persona()
        if guest or not partner:
            return super()._search_is_member(operator, operand)
        is_in = (operator == "=" and operand) or (operator == "!=" and not operand)
        self.env["discuss.channel.member"].flush_model(["channel_id", "partner_id"])
        memberships = SQL(
            "(SELECT channel_id FROM discuss_channel_member WHERE partner_id = %s)", partner.id
        )
        return [("id", "in" if is_in else "not in", memberships)]

    @api.model
    def _get_channels_as_member(self):
        # Odoo's, but the pinned chats are found from the user's pinned memberships
        # first: with tens of thousands of text chats, its one query (channels whose
        # own member is pinned, under the channel rules) scanned them all, twice
        # per page load.
        partner, guest = self.env["res.partner"]._get_current_persona()
        if guest or not partner:
            return super()._get_channels_as_member()
        channels = self.search(
            [("channel_type", "in", ("channel", "group")), ("is_member", "=", True)]
        )
        # sudo: discuss.channel.member - the user's own memberships; the channels are
        # then searched under their access rules
        pinned = (
            self.env["discuss.channel.member"]
            .sudo()
            .search_fetch(
                [("partner_id", "=", partner.id), ("is_pinned", "=", True)], ["channel_id"]
            )
        )
        return channels + self.search(
            [("id", "in", pinned.channel_id.ids), ("channel_type", "not in", ("channel", "group"))]
        )

    def _to_store(self, store):
        # A text chat's members are all its store's associates: Odoo sends every
        # member of a non-"channel" chat with it, i.e. tens of thousands of records
        # for an associate's sidebar. Only the user's own membership goes, as Odoo
        # does for channels; the member list loads the others when it is opened.
        result = super(
            DiscussChannel, self.with_context(clienteling_text_own_member_only=True)
        )._to_store(store)
        texts = self.filtered(lambda c: c.channel_type == "clienteling_text")
        # sudo: the conversation's customer, for the chat's avatar
        for channel in texts.sudo():
            store.add(
                channel,
                {"clienteling_partner_id": channel.clienteling_conversation_id.partner_id.id},
            )
        return result

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, *, message_type="notification", **kwargs):
        if len(self) == 1 and self.channel_type == "clienteling_text":
            # texts are posted here by the conversation, under sudo (a context key
            # alone can come from a client)
            if self.env.su and self.env.context.get("clienteling_text_post"):
                return super().message_post(message_type=message_type, **kwargs)
            if message_type == "comment":
                # an associate writing in the chat: a text to the customer, under
                # the same rules as every other way of sending (refused with the reason)
                return self._clienteling_send_from_chat(**kwargs).mail_message_id
            if message_type != "notification":
                raise UserError(
                    self.env._("Only texts and notices can be posted in a customer's chat.")
                )
        return super().message_post(message_type=message_type, **kwargs)

    def _clienteling_writable_conversation(self):
        """This chat's text conversation, for a user who may text its customer."""
        conversation = self.sudo().clienteling_conversation_id.with_env(self.env)
        if not conversation:
            raise UserError(self.env._("This chat is no longer linked to a text conversation."))
        try:
            conversation.check_access("write")
        except AccessError as error:
            raise AccessError(
                self.env._("Only the store's associates can text this customer.")
            ) from error
        return conversation

    def _clienteling_send_from_chat(self, body="", attachment_ids=None, **_kwargs):
        self.ensure_one()
        conversation = self._clienteling_writable_conversation()
        text = html2plaintext(body) if isinstance(body, Markup) or "<" in (body or "") else body
        media = self.env["ir.attachment"].browse(attachment_ids or [])
        employee = self.env.user.employee_id
        text = conversation._render_placeholders(text or "", employee).strip()
        if (
            text
            and conversation._consent_state() not in ("opted_in", "opted_out")
            and conversation._is_textable()
            and text != conversation._render_opt_in(employee).strip()
        ):
            raise RedirectWarning(
                self.env._(
                    "%s has not opted in to texts from this store yet: send the opt-in "
                    "message first. Nothing was sent.",
                    conversation.display_name,
                ),
                conversation.action_open_composer(),
                self.env._("Send the Opt-in Message"),
            )
        return conversation._send_message(text, media=media, employee=employee)

    def action_clienteling_share_products(self):
        """Share Products, from the composer of a customer's chat."""
        self.ensure_one()
        conversation = self._clienteling_writable_conversation()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Share Products"),
            "res_model": "clienteling.product.share",
            "view_mode": "form",
            "views": [[False, "form"]],
            "target": "new",
            "context": {"default_conversation_id": conversation.id},
        }

    def add_members(self, partner_ids=None, guest_ids=None, **kwargs):
        texts = self.filtered(lambda c: c.channel_type == "clienteling_text")
        if texts and not self.env.su:
            if guest_ids:
                raise UserError(self.env._("Guests cannot join a customer's text conversation."))
            conversations = texts.sudo().clienteling_conversation_id
            allowed = conversations._clienteling_allowed_followers(partner_ids or [])
            refused = set(partner_ids or []) - set(allowed)
            if refused:
                raise UserError(
                    self.env._(
                        "Only people who may read this customer's texts can join: %s.",
                        ", ".join(self.env["res.partner"].sudo().browse(refused).mapped("name")),
                    )
                )
        return super().add_members(partner_ids=partner_ids, guest_ids=guest_ids, **kwargs)

    def _notify_by_web_push_prepare_payload(self, message, msg_vals=False):
        payload = super()._notify_by_web_push_prepare_payload(message, msg_vals=msg_vals)
        if self.channel_type == "clienteling_text":
            # the phone's notification names the customer, like a text message
            payload["title"] = self.name
        return payload
