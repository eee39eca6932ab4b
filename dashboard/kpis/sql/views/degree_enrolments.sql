-- The enrolled degree students: the population of every student share and rate, from the
-- enrolled_students mart the ETL builds at every publish (etl/sql/marts/enrolled_students.sql:
-- groups of enrolments with their programme's faculty, headcount summed).
create or replace temp view degree_enrolments as
select *
from enrolled_students
where enrolment_type = 'degree';
