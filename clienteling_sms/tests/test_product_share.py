from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.clienteling.tests.test_product_link import png_image

from .common import ClientelingSmsCase, mock_sms_provider
from .twilio_recorder import TwilioRecorder

LINK_BASE = "https://shop.example.com/clienteling/p/"
MEDIA_BASE = "https://shop.example.com/clienteling/sms/media/"


@tagged("post_install", "-at_install", "clienteling_sms")
class TestProductShare(ClientelingSmsCase):
    """Share Products, from the text composer and from the chat in Discuss."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.coat = Product.create(
            {"name": "Wool Coat", "list_price": 100.0, "image_1920": png_image()}
        )
        cls.scarf = Product.create(
            {"name": "Silk Scarf", "list_price": 40.0, "image_1920": png_image("blue")}
        )
        cls.Link = cls.env["clienteling.product.link"]

    def _links(self, conversation):
        return self.Link.search([("res_model", "=", conversation._name)]).filtered(
            lambda link: link.res_id == conversation.id
        )

    def test_composer_sends_a_link_per_product_and_the_first_image_through_twilio(self):
        conversation = self._conversation()
        self._opt_in(conversation)
        Composer = self.env["clienteling.sms.composer"].with_user(self.user_associate_a)
        with TwilioRecorder() as recorder:
            self.account.write(
                {
                    "provider": "twilio",
                    "twilio_account_sid": "AC0013",
                    "twilio_auth_token": "t",
                    "twilio_api_base_url": recorder.url,
                }
            )
            composer = Composer.with_context(default_conversation_id=conversation.id).create(
                {
                    "body": "New in, thought of you:",
                    "product_ids": [(6, 0, (self.coat | self.scarf).ids)],
                }
            )
            composer.action_send()
            sent = [r for r in recorder.requests if r["path"].endswith("/Messages.json")]
        self.assertEqual(len(sent), 1)
        form = sent[0]["form"]
        links = self._links(conversation)
        self.assertEqual(links.product_id, self.coat | self.scarf)
        self.assertEqual(links.employee_id, self.employee_a)
        self.assertEqual(links.partner_id, self.customer_a)
        self.assertEqual(links.store_id, self.store_a)
        coat_link = links.filtered(lambda link: link.product_id == self.coat)
        scarf_link = links - coat_link
        self.assertEqual(
            form["Body"],
            [
                "New in, thought of you:\n"
                f"Wool Coat: {LINK_BASE}{coat_link.token}\n"
                f"Silk Scarf: {LINK_BASE}{scarf_link.token}"
            ],
        )
        self.assertEqual(form["To"], ["+12125550142"])
        # the first product's image, as MMS from the New York number
        self.assertEqual(len(form["MediaUrl"]), 1)
        self.assertTrue(form["MediaUrl"][0].startswith(MEDIA_BASE))
        message = self._outbound(conversation)
        self.assertEqual(message.media_urls, form["MediaUrl"][0])
        self.assertEqual(message.employee_id, self.employee_a)
        chat = conversation._text_messages()[0]
        self.assertEqual(chat.attachment_ids.res_model, "discuss.channel")
        self.assertEqual(chat.attachment_ids.raw[:4], b"\x89PNG")
        self.assertIn(f"/clienteling/sms/media/{chat.attachment_ids.id}/", message.media_urls)
        # only the copy sent with the text is kept
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("name", "like", "Wool Coat"), ("res_model", "=", False)]
            )
        )
        # shared again: the same links
        with mock_sms_provider() as texts:
            conversation.with_user(self.user_associate_a)._share_products(self.scarf)
        texts.assertTextSent("+12125550142", body=f"Silk Scarf: {LINK_BASE}{scarf_link.token}")
        self.assertEqual(self._links(conversation), links)

    def test_numbers_without_mms_send_the_links_only(self):
        conversation = self._conversation(self.number_b, self.customer_b)
        self._opt_in(conversation)
        with mock_sms_provider() as texts:
            message = conversation.with_user(self.user_associate_b)._share_products(
                self.coat, "Le manteau :"
            )
        link = self._links(conversation)
        self.assertEqual((link.employee_id, link.store_id), (self.employee_b, self.store_b))
        self.assertEqual(message.body, f"Le manteau :\nWool Coat: {LINK_BASE}{link.token}")
        self.assertFalse(message.media_urls)
        self.assertEqual(texts.texts[0].media_urls, [])
        self.assertFalse(conversation._text_messages()[0].attachment_ids)

    def test_sharing_needs_consent_like_any_text(self):
        conversation = self._conversation()
        composer = (
            self.env["clienteling.sms.composer"]
            .with_user(self.user_associate_a)
            .create({"conversation_id": conversation.id, "product_ids": [(6, 0, self.coat.ids)]})
        )
        with mock_sms_provider() as texts:
            with self.assertRaisesRegex(UserError, "has not opted in"):
                composer.body = "Look"
                composer.action_send()
            conversation._record_consent("opted_out", "keyword", "STOP")
            with self.assertRaisesRegex(UserError, "opted out"):
                conversation.with_user(self.user_associate_a)._share_products(self.coat)
            with self.assertRaisesRegex(UserError, "Choose the products"):
                conversation._share_products(self.env["product.product"])
        texts.assertNoTextSent()
        self.assertFalse(self._links(conversation))

    def test_share_products_from_the_chat(self):
        conversation = self._conversation()
        self._opt_in(conversation)
        channel = conversation._get_channel()
        action = channel.with_user(self.user_associate_a).action_clienteling_share_products()
        self.assertEqual(action["res_model"], "clienteling.product.share")
        Share = (
            self.env["clienteling.product.share"]
            .with_user(self.user_associate_a)
            .with_context(**action["context"])
        )
        wizard = Share.create({"product_ids": [(6, 0, self.scarf.ids)], "body": "For you"})
        self.assertEqual((wizard.consent_state, wizard.mms_capable), ("opted_in", True))
        with mock_sms_provider() as texts:
            wizard.action_share()
        link = self._links(conversation)
        sent = texts.assertTextSent(
            "+12125550142", body=f"For you\nSilk Scarf: {LINK_BASE}{link.token}"
        )
        self.assertEqual(len(sent[0].media_urls), 1)
        self.assertEqual(link.employee_id, self.employee_a)
        # in the chat, as the associate's text
        self.assertEqual(
            conversation._text_messages()[0].author_id, self.user_associate_a.partner_id
        )
        # an associate of another store can neither open nor use it
        with self.assertRaises(AccessError):
            channel.with_user(self.user_associate_b).action_clienteling_share_products()
        with self.assertRaises(AccessError):
            self.env["clienteling.product.share"].with_user(self.user_associate_b).with_context(
                default_conversation_id=conversation.id
            ).create({"product_ids": [(6, 0, self.coat.ids)]})
        with self.assertRaises(AccessError):
            conversation.with_user(self.user_associate_b)._share_products(self.coat)
