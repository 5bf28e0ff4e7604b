from odoo import api, fields, models

from odoo.addons.clienteling.tools import placeholders


class ClientelingStore(models.Model):
    _inherit = "clienteling.store"

    pos_config_ids = fields.One2many("pos.config", "clienteling_store_id", string="Points of Sale")
    pos_consent_wording = fields.Text(
        string="Consent Sentence at the Till",
        translate=True,
        default=lambda self: self._default_pos_consent_wording(),
        help="The sentence the cashier reads to the customer before recording their "
        "consent to texts at the till, in the customer's language; {{ store.name }} stands "
        "for the store's name. Its exact words are kept with each consent given.",
    )

    def _default_pos_consent_wording(self):
        # written with {store} in the translated source, stored as {{ store.name }}
        return placeholders.modernize(
            self.env._(
                "Do you agree to receive personal text messages from {store}, from your "
                "advisor and the store team? Message frequency varies. Message and data "
                "rates may apply. You can reply STOP at any time to stop, or HELP for help."
            )
        )

    def _pos_consent_text(self):
        """The till's consent sentence, filled, in the language of the context."""
        self.ensure_one()
        return placeholders.fill_store(
            self.pos_consent_wording or self._default_pos_consent_wording(),
            self.name,
            self._clienteling_display_number(self.landline),
        )

    def _pos_set_default_wording_translations(self):
        """The default sentence in every installed language, from the translations."""
        languages = [code for code, _name in self.env["res.lang"].get_installed()]
        if len(languages) < 2:
            return
        for store in self:
            store.update_field_translations(
                "pos_consent_wording",
                {
                    lang: self.with_context(lang=lang)._default_pos_consent_wording()
                    for lang in languages
                },
            )

    @api.model_create_multi
    def create(self, vals_list):
        stores = super().create(vals_list)
        untouched = [
            store.id
            for store, vals in zip(stores, vals_list, strict=True)
            if "pos_consent_wording" not in vals
        ]
        self.browse(untouched)._pos_set_default_wording_translations()
        return stores
