def migrate(cr, version):
    """Numbers bought before number types were kept: outside the US and Canada
    the numbers that text are mobile numbers."""
    cr.execute(
        """
        UPDATE clienteling_phone_number number
           SET number_type = 'mobile'
          FROM res_country country
         WHERE country.id = number.country_id
           AND country.code NOT IN ('US', 'CA', 'PR')
        """
    )
