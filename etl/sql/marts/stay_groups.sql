-- stay_groups: the stays (the mart above) grouped by every column a KPI that sums stays reads,
-- headcount summed (0.4 million records are 0.15 million groups in the demo at scale 10).
-- The KPIs that count people or credits read the stays themselves.
select participant, direction, academic_year, cycle, programme_code, faculty, activity,
       partner_country, partner_cee, partner_neighbourhood, partner_listed, qualifying,
       balance, fewer_opportunities, sum(headcount)::bigint as headcount
from stays
group by all
