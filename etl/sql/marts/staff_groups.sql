-- staff_groups: staff on the reference date, built once per publish. One row per group of
-- staff records alike in every column a KPI reads, headcount summed (0.7 million records
-- are 65 thousand groups in the demo at scale 10).
select reference_year, faculty, category, staff_type, gender, nationality, second_nationality,
       sum(headcount)::bigint as headcount
from staff
group by all
