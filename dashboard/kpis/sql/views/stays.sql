-- Student stays, from the stays mart the ETL builds at every publish (etl/sql/marts/stays.sql:
-- every mobility record with its partner country's regions and the rules it meets).
create or replace temp view student_stays as
select * from stays where participant = 'student';

create or replace temp view outgoing_student_stays as
select * from student_stays where direction = 'outgoing';

create or replace temp view incoming_student_stays as
select * from student_stays where direction = 'incoming';
