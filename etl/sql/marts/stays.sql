-- stays: every mobility record with what the partner country tells (CEE, EU neighbourhood,
-- listed in the countries reference at all) and which rules the stay meets: qualifying (it
-- counts toward the EU benchmark) and balance (it counts in the exchange balance). Built once
-- per publish; the KPIs that count people (distinct person_key) or credits read it.
select m.*, pc.cee as partner_cee, pc.neighbourhood as partner_neighbourhood,
       pc.iso2 is not null as partner_listed,
       qualifying_stay(m.activity, m.duration_days, m.ects_earned) as qualifying,
       balance_stay(m.activity, m.duration_days, m.ects_earned) as balance
from mobility m
left join countries pc on pc.iso2 = m.partner_country
