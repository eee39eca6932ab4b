-- Students enrolled on 1 October (every enrolment type) with their programme's faculty.
create or replace temp view enrolled_students as
select e.*, p.faculty
from enrolments e
left join programmes p on p.programme_code = e.programme_code
where e.population = 'enrolled';

-- The enrolled degree students: the population of every student share and rate.
create or replace temp view degree_enrolments as
select *
from enrolled_students
where enrolment_type = 'degree';
