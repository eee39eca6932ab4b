-- Every mobility record with what the partner country tells (CEE, EU neighbourhood, listed
-- in the countries reference at all).
create or replace temp view stays as
select m.*, pc.cee as partner_cee, pc.neighbourhood as partner_neighbourhood,
       pc.iso2 is not null as partner_listed
from mobility m
left join countries pc on pc.iso2 = m.partner_country;

create or replace temp view student_stays as
select * from stays where participant = 'student';

create or replace temp view outgoing_student_stays as
select * from student_stays where direction = 'outgoing';

create or replace temp view incoming_student_stays as
select * from student_stays where direction = 'incoming';
