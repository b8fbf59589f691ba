META
key;value
description;"A small district: 6 voters want the bridge area fixed, 4 the market area; about 3 projects fit"
num_projects;8
num_votes;10
budget;1000
vote_type;approval
PROJECTS
project_id;cost;votes;name
B1;300;6;"Bridge; repairs"
B2;300;6;Bridge lights
B3;300;6;Bridge benches
M1;250;4;Market roof
M2;250;4;Market drains
M3;400;4;Market hall
X;150;1;Bus shelter
Z;50;0;Nobody's bench
VOTES
voter_id;vote
1;B1,B2,B3
2;B1,B2,B3
3;B1,B2,B3
4;B1,B2,B3
5;B1,B2,B3
6;B1,B2,B3,X
7;M1,M2,M3
8;M1,M2,M3
9;M1,M2,M3
10;M1,M2,M3
