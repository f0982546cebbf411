"""19.0.1.2.0: suspensions are recorded; a letter suspended before gets the record of its
suspension going on, so that its resumption gives back the days billed in advance."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        INSERT INTO cabinet_engagement_suspension
               (letter_id, company_id, date_from, stops_billing, to_credit,
                create_uid, create_date, write_uid, write_date)
        SELECT l.id, l.company_id, l.suspension_date, l.suspension_stops_billing, false,
               1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
          FROM cabinet_engagement_letter l
         WHERE l.state = 'suspended' AND l.suspension_date IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM cabinet_engagement_suspension s
                            WHERE s.letter_id = l.id AND s.date_to IS NULL)
        """
    )
