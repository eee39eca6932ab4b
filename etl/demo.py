"""The synthetic demo university: a mid-sized European research university (modelled on
Leiden) written as the input files a university would export, so ``intl-kpi demo`` loads it
through the normal ETL.

The model
---------
* **Programmes**: seven faculties, 30 bachelor, 50 master and 7 PhD programmes (institution
  code 21PB). Each programme has a size weight and an "international factor" (an English
  taught master attracts more internationals than Dutch law), and bachelor programmes say
  whether the curriculum has a mobility window.
* **Students** are a cohort model of spells. Every academic year from 2009 on, bachelor,
  master and PhD entrants start a spell with a drawn outcome (drop out after k years, or
  graduate after the nominal length plus a delay); half of the home bachelor graduates
  continue into a master of their faculty under the same pseudonymous ``student_key``. The
  spells are exploded into one ``enrolments`` row per student and year (1 October count,
  2015-16 to 2024-25); graduating spells give the ``graduates`` rows. The years before 2015
  are a burn-in so that 2015 already has every study year filled.
* **Nationality** is a property of the person. First each person gets a status (home,
  international, unknown). The status is then calibrated year by year, per cycle and staff
  type, by flipping the status of *that year's entrants* only (so earlier years stay put):
  each year's international share hits a trend target, and 2019 hits the Erasmus Policy
  Statement figures exactly (master 23.25%, PhD 42.5%, staff 25%, academic staff 39%).
  Only then are nationalities drawn: a realistic distribution per group (Germany, Italy,
  China, Belgium, ...) with a long tail over all UN member states; home students are NL,
  some with a second nationality, some foreign nationals with Dutch as second nationality.
  Finally the countries of the tail that are missing in 2019 are given to a few
  internationals of the biggest nationalities, so 2019 has more than 122 nationalities.
* **Staff** are persistent people simulated year by year: each year a category-specific
  share leaves and hires bring every category to its target size.
* **Mobility**: outgoing students (a long study/traineeship stay, mostly in the third
  bachelor year or the second master year, plus short stays, blended intensive programmes
  from 2021, virtual exchange from 2020 and short doctoral stays), incoming exchange
  students (who also appear in ``enrolments`` as ``exchange`` when present on 1 October),
  and staff teaching/training stays in both directions. Participation rises over the years
  with a COVID dip in 2019-20 (spring stays cut short) and 2020-21. Outgoing stays are
  linked to students and staff by ``person_key``; student stays go back to 2013-14 so that
  the 2015 graduates can be linked to their stays abroad.
* **Networks, activities, projects, agreements, partner institutions** are small tables
  around a pool of partner universities across Europe (including Central and Eastern Europe
  and the neighbourhood) and beyond.

Everything is drawn from one ``numpy`` generator seeded by ``seed`` (same seed, same data)
and vectorised over people, since ``scale`` 10 means some 3 million enrolment rows. The big
entities are written as Parquet with every column as text (as a student information system
export would be), ``agreements`` as an Excel workbook and the small entities as CSV.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

FIRST_YEAR = 2015
LAST_YEAR = 2024
YEARS = np.arange(FIRST_YEAR, LAST_YEAR + 1)
# Cohorts start this early so that 2015 has every study year (PhDs take up to 7 years).
BURN_IN_YEAR = 2009
# Outgoing student stays are kept from this year on: the 2015 graduates went abroad earlier.
FIRST_MOBILITY_YEAR = 2013
CALIBRATION_YEAR = 2019
INSTITUTION_CODE = "21PB"
HOME = "NL"

HOME_STATUS, INTL_STATUS, UNKNOWN_STATUS = 0, 1, 2
# International share targets: (value in the calibration year, change per year).
STUDENT_TARGETS = {"bachelor": (0.135, 0.007), "master": (0.2325, 0.0095), "phd": (0.425, 0.0085)}
ACADEMIC_TARGET = (0.39, 0.011)
SUPPORT_TREND = 0.004
STAFF_TARGET_2019 = 0.25

FACULTIES = {
    "ARCH": "Archaeology",
    "FGGA": "Governance and Global Affairs",
    "HUM": "Humanities",
    "LAW": "Law",
    "LUMC": "Medicine/LUMC",
    "SCI": "Science",
    "FSW": "Social and Behavioural Sciences",
}
CENTRAL_UNITS = ("University Services", "University Library", "Executive Board Office")

# faculty, cycle, name, entrant weight within the cycle, nominal years, international factor.
# Bachelor programmes marked with * have no mobility window.
_PROGRAMMES = """
ARCH|bachelor|Archaeology|3|3|1.3
FGGA|bachelor|Security Studies|3|3|0.8
FGGA|bachelor|Public Administration|4|3|0.5
FGGA|bachelor|Liberal Arts and Sciences: Global Challenges|3|3|3.0
HUM|bachelor|History|4|3|0.6
HUM|bachelor|Philosophy|2|3|1.0
HUM|bachelor|Art History|2|3|0.6
HUM|bachelor|English Language and Culture|2|3|1.2
HUM|bachelor|Dutch Language and Culture|1|3|0.3
HUM|bachelor|International Studies|6|3|2.2
HUM|bachelor|Chinese Studies|1.5|3|1.2
HUM|bachelor|Japanese Studies|1.5|3|1.0
HUM|bachelor|Linguistics|1.5|3|1.4
HUM|bachelor|Religious Studies|0.7|3|0.8
LAW|bachelor|Law|12|3|0.35
LAW|bachelor|Notarial Law*|1.5|3|0.1
LAW|bachelor|Criminology|3|3|0.4
LUMC|bachelor|Medicine*|5|3|0.15
LUMC|bachelor|Biomedical Sciences|2|3|1.0
SCI|bachelor|Biology|3|3|0.9
SCI|bachelor|Mathematics|1.5|3|0.8
SCI|bachelor|Physics|1.5|3|1.0
SCI|bachelor|Astronomy|1|3|1.4
SCI|bachelor|Computer Science|3|3|1.0
SCI|bachelor|Molecular Science and Technology|2|3|0.6
SCI|bachelor|Bio-Pharmaceutical Sciences|2|3|0.5
FSW|bachelor|Psychology|9|3|1.4
FSW|bachelor|Cultural Anthropology and Development Sociology|2|3|1.0
FSW|bachelor|Education and Child Studies|2.5|3|0.3
FSW|bachelor|Political Science|4|3|1.2
ARCH|master|Archaeology|2|1|1.6
ARCH|master|Archaeology (research)|0.8|2|2.0
ARCH|master|Heritage Studies|0.8|1|1.5
FGGA|master|Public Administration|4|1|0.6
FGGA|master|International Relations and Diplomacy|1.5|2|2.0
FGGA|master|Crisis and Security Management|3|1|0.9
FGGA|master|Governance of Sustainability|1|1|2.0
FGGA|master|Public Policy|1.5|1|1.2
HUM|master|History|2|1|0.8
HUM|master|Philosophy|1|1|1.0
HUM|master|Asian Studies|2|1|2.0
HUM|master|Linguistics|1.5|1|1.5
HUM|master|Arts and Culture|1.5|1|1.0
HUM|master|Literary Studies|1.2|1|1.0
HUM|master|Middle Eastern Studies|0.8|1|2.0
HUM|master|Classics and Ancient Civilizations|0.7|1|0.8
HUM|master|Religious Studies|0.5|1|1.5
HUM|master|European Union Studies|1|1|2.5
HUM|master|International Relations|3|1|2.0
HUM|master|Media Studies|1.5|1|1.2
LAW|master|Law (Dutch law)|6|1|0.1
LAW|master|Advanced LL.M. European and International Business Law|1|1|3.5
LAW|master|Criminology|1.5|1|0.3
LAW|master|Public International Law|1|1|3.0
LAW|master|Civil Law|2.5|1|0.1
LAW|master|Company Law|1.5|1|0.15
LAW|master|Tax Law|1.5|1|0.2
LAW|master|Criminal Law|2|1|0.1
LUMC|master|Medicine|5|3|0.1
LUMC|master|Biomedical Sciences|2|2|1.3
LUMC|master|Vitality and Ageing|0.5|1|1.5
LUMC|master|Population Health Management|0.5|1|1.5
SCI|master|Biology|2|2|1.4
SCI|master|Mathematics|1|2|1.5
SCI|master|Physics|1|2|1.8
SCI|master|Astronomy|0.8|2|2.5
SCI|master|Computer Science|2.5|2|1.8
SCI|master|Chemistry|1.2|2|1.3
SCI|master|Life Science and Technology|1.3|2|1.2
SCI|master|Bio-Pharmaceutical Sciences|1.2|2|1.1
SCI|master|Industrial Ecology|0.7|2|2.0
SCI|master|Statistics and Data Science|1|2|2.0
SCI|master|ICT in Business and the Public Sector|1|2|1.5
SCI|master|Media Technology|0.6|2|1.8
FSW|master|Psychology|6|1|1.0
FSW|master|Psychology (research)|0.8|2|2.0
FSW|master|Political Science|2.5|1|1.4
FSW|master|Education and Child Studies|2|1|0.3
FSW|master|Cultural Anthropology and Development Sociology|1|1|1.5
FSW|master|Political Science (research)|0.4|2|2.0
ARCH|phd|PhD programme Archaeology|0.5|5|1.2
FGGA|phd|PhD programme Governance and Global Affairs|0.6|5|1.0
HUM|phd|PhD programme Humanities|1.3|5|1.0
LAW|phd|PhD programme Law|0.6|5|0.8
LUMC|phd|PhD programme Medicine|2.5|5|0.8
SCI|phd|PhD programme Science|3.3|5|1.2
FSW|phd|PhD programme Social and Behavioural Sciences|1.2|5|0.9
"""

# Entrants per year at scale 1 in the calibration year, and yearly growth.
ENTRANTS = {"bachelor": 5_700, "master": 6_100, "phd": 650}
STUDENT_GROWTH = 0.022
# Outcome of a spell: (years enrolled beyond the nominal length or -k for a drop-out after
# k years, probability). Graduation takes the nominal years plus the delay.
OUTCOMES = {
    "bachelor": ((-1, 0.18), (-2, 0.05), (0, 0.45), (1, 0.22), (2, 0.10)),
    "master": ((-1, 0.07), (0, 0.58), (1, 0.28), (2, 0.07)),
}
# PhD durations are absolute (4-7 years), not relative to a nominal length.
PHD_OUTCOMES = ((1, False, 0.04), (2, False, 0.04), (3, False, 0.04), (4, True, 0.25))
PHD_OUTCOMES += ((5, True, 0.38), (6, True, 0.20), (7, True, 0.05))
CONTINUE_TO_MASTER = {HOME_STATUS: 0.5, INTL_STATUS: 0.35, UNKNOWN_STATUS: 0.4}

# Staff categories: staff type, share of all staff, yearly leaving rate, share female.
STAFF_CATEGORIES = {
    "professor": ("academic", 0.075, 0.06, 0.30),
    "associate_professor": ("academic", 0.055, 0.05, 0.40),
    "assistant_professor": ("academic", 0.11, 0.08, 0.48),
    "lecturer": ("academic", 0.07, 0.15, 0.55),
    "researcher": ("academic", 0.07, 0.20, 0.50),
    "postdoc": ("academic", 0.12, 0.33, 0.48),
    "support": ("support", 0.47, 0.08, 0.63),
    "management": ("support", 0.03, 0.07, 0.45),
}
STAFF_2019 = 7_000
STAFF_GROWTH = 0.025
ACADEMIC_FACULTY_WEIGHTS = {
    "SCI": 0.30,
    "LUMC": 0.14,
    "FSW": 0.14,
    "HUM": 0.16,
    "LAW": 0.10,
    "FGGA": 0.10,
    "ARCH": 0.04,
    "University Services": 0.02,
}
SUPPORT_UNIT_WEIGHTS = {
    "SCI": 0.14,
    "LUMC": 0.06,
    "FSW": 0.07,
    "HUM": 0.08,
    "LAW": 0.06,
    "FGGA": 0.05,
    "ARCH": 0.02,
    "University Services": 0.38,
    "University Library": 0.10,
    "Executive Board Office": 0.04,
}

# Nationalities of internationals: weight among bachelor, master, PhD students and staff.
# Every other UN member state shares the long tail.
_TOP_NATIONALITIES = """
DE 14 9 7 12|IT 5 8 10 9|CN 2 6 12 5|BE 6 3 2 5|GR 3 4 4 3|ES 3 4 4 5|IN 1 4 6 3|FR 3 3 3 4
US 3 4 2 5|GB 4 2 2 6|BG 4 2 1 1|RO 3 2 1 1|PL 2 2 2 2|PT 2 2 3 2|IR .3 1 4 1|ID 1 2 3 1
TR 1 2 2 1|RU 1 1.5 1.5 1.5|LT 1.5 1 .5 .5|HU 1 1 1 1|AT 1 1 1 1.5|CA 1 1 1 1.5|MX .5 1.5 1.5 .7
BR .5 1 2 1|KR .5 1 1 .5|JP .5 .7 1 .7|IE .8 .7 .7 1|SE 1 .7 .5 .8|FI .8 .6 .5 .6|UA .8 1 .8 .6
CH .6 .6 .6 .8|HR .6 .5 .3 .3|CZ .6 .6 .5 .5|SK .5 .4 .3 .3|LV .7 .4 .3 .3|DK .4 .4 .3 .4
NO .4 .4 .3 .4|AU .4 .5 .6 .8|ZA .3 .6 .8 .5|NG .2 .6 .6 .2|EG .2 .5 .6 .3|PK .1 .5 1 .3
VN .4 .7 .8 .2|TW .2 .5 .6 .3|CO .2 .6 .8 .3|AR .2 .4 .5 .4|SR .5 .2 .1 .1|IL .2 .3 .4 .4
CY .6 .3 .2 .2|SY .5 .3 .2 .1|MA .3 .2 .2 .1|MY .3 .4 .5 .2|EE .3 .3 .2 .2|SI .3 .3 .2 .2
"""
TAIL_SHARE = 0.06
# Countries of the tail guaranteed to appear in the calibration year (besides the top list):
# with the top list more than 122 nationalities, as in the policy statement.
COVERED_TAIL = 75
# Second (or first, with Dutch second) nationality of home students.
DUAL_NATIONALITIES = {
    "MA": 0.22,
    "TR": 0.20,
    "SR": 0.12,
    "ID": 0.06,
    "DE": 0.08,
    "BE": 0.05,
    "GB": 0.05,
    "US": 0.05,
    "PL": 0.04,
    "CN": 0.03,
    "IT": 0.04,
    "FR": 0.03,
    "ES": 0.03,
}

# Partner institutions: country, city, name, institution number of the Erasmus code.
# Partners outside Europe have no Erasmus code.
_PARTNERS = """
AT|Wien|University of Vienna|01
AT|Innsbruck|University of Innsbruck|01
AT|Graz|University of Graz|01
BE|Leuven|KU Leuven|01
BE|Gent|Ghent University|01
BE|Brussel|Vrije Universiteit Brussel|01
BE|Bruxelles|Universite libre de Bruxelles|04
BE|Antwerpen|University of Antwerp|01
BE|Louvain-la-Neuve|UCLouvain|01
BG|Sofia|Sofia University St. Kliment Ohridski|06
BG|Plovdiv|Plovdiv University Paisii Hilendarski|04
HR|Zagreb|University of Zagreb|01
HR|Split|University of Split|01
CY|Nicosia|University of Cyprus|01
CZ|Praha|Charles University|07
CZ|Brno|Masaryk University|05
CZ|Olomouc|Palacky University Olomouc|01
DK|Kobenhavn|University of Copenhagen|01
DK|Aarhus|Aarhus University|01
DK|Odense|University of Southern Denmark|01
EE|Tartu|University of Tartu|02
EE|Tallinn|Tallinn University|05
FI|Helsinki|University of Helsinki|01
FI|Turku|University of Turku|01
FI|Tampere|Tampere University|06
FR|Paris|Sciences Po|014
FR|Paris|Sorbonne Universite|468
FR|Paris|Universite Paris Cite|487
FR|Lyon|Universite Lumiere Lyon 2|02
FR|Strasbourg|University of Strasbourg|048
FR|Bordeaux|University of Bordeaux|58
FR|Marseille|Aix-Marseille University|84
FR|Grenoble|Universite Grenoble Alpes|55
FR|Montpellier|Universite Paul-Valery Montpellier 3|03
FR|Toulouse|Universite Toulouse Capitole|01
DE|Konstanz|University of Konstanz|01
DE|Heidelberg|Heidelberg University|01
DE|Berlin|Freie Universitat Berlin|01
DE|Berlin|Humboldt-Universitat zu Berlin|13
DE|Muenchen|LMU Munich|01
DE|Koeln|University of Cologne|01
DE|Tuebingen|University of Tubingen|01
DE|Goettingen|University of Gottingen|01
DE|Hamburg|University of Hamburg|01
DE|Freiburg|University of Freiburg|01
DE|Bonn|University of Bonn|01
DE|Muenster|University of Munster|01
DE|Leipzig|Leipzig University|01
DE|Frankfurt|Goethe University Frankfurt|01
DE|Mainz|Johannes Gutenberg University Mainz|01
GR|Athina|National and Kapodistrian University of Athens|01
GR|Thessaloniki|Aristotle University of Thessaloniki|01
GR|Rethymno|University of Crete|01
HU|Budapest|Eotvos Lorand University|01
HU|Szeged|University of Szeged|01
HU|Debrecen|University of Debrecen|01
HU|Pecs|University of Pecs|01
IE|Dublin|Trinity College Dublin|01
IE|Dublin|University College Dublin|02
IE|Galway|University of Galway|01
IE|Cork|University College Cork|01
IT|Bologna|University of Bologna|01
IT|Milano|University of Milan|01
IT|Milano|Bocconi University|02
IT|Roma|Sapienza University of Rome|01
IT|Padova|University of Padua|01
IT|Firenze|University of Florence|01
IT|Pisa|University of Pisa|01
IT|Torino|University of Turin|01
IT|Napoli|University of Naples Federico II|01
IT|Siena|University of Siena|01
IT|Venezia|Ca' Foscari University of Venice|01
IT|Trento|University of Trento|01
LV|Riga|University of Latvia|01
LT|Vilnius|Vilnius University|01
LT|Kaunas|Vytautas Magnus University|01
LU|Luxembourg|University of Luxembourg|01
MT|Msida|University of Malta|01
PL|Warszawa|University of Warsaw|01
PL|Krakow|Jagiellonian University|01
PL|Wroclaw|University of Wroclaw|01
PL|Poznan|Adam Mickiewicz University|01
PL|Gdansk|University of Gdansk|01
PL|Lodz|University of Lodz|01
PT|Lisboa|University of Lisbon|109
PT|Lisboa|NOVA University Lisbon|03
PT|Coimbra|University of Coimbra|01
PT|Porto|University of Porto|02
RO|Bucuresti|University of Bucharest|09
RO|Cluj-Napoca|Babes-Bolyai University|01
RO|Iasi|Alexandru Ioan Cuza University|02
SK|Bratislava|Comenius University Bratislava|02
SK|Kosice|Pavol Jozef Safarik University|01
SI|Ljubljana|University of Ljubljana|01
SI|Maribor|University of Maribor|01
ES|Madrid|Universidad Complutense de Madrid|03
ES|Madrid|Universidad Autonoma de Madrid|04
ES|Barcelona|Universitat de Barcelona|01
ES|Barcelona|Universitat Pompeu Fabra|15
ES|Granada|University of Granada|01
ES|Salamanca|University of Salamanca|02
ES|Valencia|University of Valencia|01
ES|Sevilla|University of Seville|01
SE|Uppsala|Uppsala University|01
SE|Lund|Lund University|01
SE|Stockholm|Stockholm University|01
SE|Goteborg|University of Gothenburg|01
NO|Oslo|University of Oslo|01
NO|Bergen|University of Bergen|01
NO|Trondheim|Norwegian University of Science and Technology|01
IS|Reykjavik|University of Iceland|01
TR|Istanbul|Bogazici University|04
TR|Istanbul|Koc University|06
TR|Ankara|Middle East Technical University|04
TR|Izmir|Ege University|02
RS|Beograd|University of Belgrade|01
RS|Novi Sad|University of Novi Sad|01
MK|Skopje|Ss. Cyril and Methodius University|01
CH|Zurich|University of Zurich|01
CH|Geneve|University of Geneva|01
CH|Bern|University of Bern|01
CH|Basel|University of Basel|01
GB|Edinburgh|University of Edinburgh|01
GB|London|University College London|029
GB|London|King's College London|011
GB|Oxford|University of Oxford|01
GB|Cambridge|University of Cambridge|01
GB|Manchester|University of Manchester|01
GB|Glasgow|University of Glasgow|01
GB|Bristol|University of Bristol|01
GB|Durham|Durham University|01
GB|Coventry|University of Warwick|02
UA|Kyiv|Taras Shevchenko National University of Kyiv|01
UA|Lviv|Ivan Franko National University of Lviv|01
UA|Kharkiv|V. N. Karazin Kharkiv National University|01
GE|Tbilisi|Ivane Javakhishvili Tbilisi State University|01
MD|Chisinau|Moldova State University|01
AM|Yerevan|Yerevan State University|01
AL|Tirana|University of Tirana|01
BA|Sarajevo|University of Sarajevo|01
ME|Podgorica|University of Montenegro|01
US|Berkeley|University of California, Berkeley|
US|New York|Columbia University|
US|Ann Arbor|University of Michigan|
US|Chapel Hill|University of North Carolina at Chapel Hill|
US|Austin|University of Texas at Austin|
US|Washington|Georgetown University|
US|Boston|Boston University|
US|Seattle|University of Washington|
CA|Toronto|University of Toronto|
CA|Montreal|McGill University|
CA|Vancouver|University of British Columbia|
AU|Melbourne|University of Melbourne|
AU|Sydney|University of Sydney|
AU|Canberra|Australian National University|
NZ|Auckland|University of Auckland|
JP|Tokyo|University of Tokyo|
JP|Kyoto|Kyoto University|
JP|Tokyo|Keio University|
CN|Beijing|Peking University|
CN|Shanghai|Fudan University|
CN|Beijing|Tsinghua University|
HK|Hong Kong|University of Hong Kong|
TW|Taipei|National Taiwan University|
KR|Seoul|Seoul National University|
KR|Seoul|Yonsei University|
SG|Singapore|National University of Singapore|
ID|Yogyakarta|Universitas Gadjah Mada|
ID|Depok|Universitas Indonesia|
IN|New Delhi|Jawaharlal Nehru University|
ZA|Cape Town|University of Cape Town|
ZA|Stellenbosch|Stellenbosch University|
ZA|Johannesburg|University of the Witwatersrand|
BR|Sao Paulo|University of Sao Paulo|
BR|Rio de Janeiro|Pontifical Catholic University of Rio de Janeiro|
AR|Buenos Aires|University of Buenos Aires|
MX|Mexico City|National Autonomous University of Mexico|
CL|Santiago|Pontificia Universidad Catolica de Chile|
CO|Bogota|Universidad de los Andes|
GH|Accra|University of Ghana|
KE|Nairobi|University of Nairobi|
SR|Paramaribo|Anton de Kom University of Suriname|
MA|Rabat|Mohammed V University in Rabat|
IL|Jerusalem|Hebrew University of Jerusalem|
IL|Tel Aviv|Tel Aviv University|
EG|Cairo|American University in Cairo|
JO|Amman|University of Jordan|
LB|Beirut|American University of Beirut|
"""
# Erasmus code prefixes that are not the ISO code.
ERASMUS_PREFIX = {
    "AT": "A",
    "BE": "B",
    "DE": "D",
    "ES": "E",
    "FI": "SF",
    "FR": "F",
    "GB": "UK",
    "GR": "G",
    "IE": "IRL",
    "IT": "I",
    "LU": "LUX",
    "NO": "N",
    "PT": "P",
    "SE": "S",
}
# Countries taking part in the Erasmus+ programme as programme countries (EU, EEA,
# Turkey, Serbia, North Macedonia); the UK left after the 2020 call.
ERASMUS_COUNTRIES = frozenset(
    (
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "NO",
        "IS",
        "LI",
        "TR",
        "RS",
        "MK",
        "GB",
    )
)
# Popular destinations (students' own choice): weight of a partner country.
DESTINATION_WEIGHTS = {
    "GB": 3.0,
    "SE": 2.0,
    "DK": 1.8,
    "FR": 1.8,
    "ES": 1.8,
    "IT": 1.6,
    "DE": 1.5,
    "US": 2.5,
    "CA": 2.0,
    "AU": 2.0,
    "FI": 1.3,
    "IE": 1.5,
    "NO": 1.2,
    "JP": 1.5,
}

ACADEMIC_YEAR_LABELS = {year: f"{year}-{(year + 1) % 100:02d}" for year in range(2000, 2031)}
# Mobility per academic year relative to normal: spring 2020 stays were cut short or
# cancelled, 2020-21 went largely online, 2021-22 recovered.
COVID = {2019: 0.9, 2020: 0.35, 2021: 0.8}


# --------------------------------------------------------------------------- reference data


@dataclass(frozen=True)
class _Programmes:
    code: np.ndarray
    name: np.ndarray
    faculty: np.ndarray  # faculty abbreviation
    cycle: np.ndarray
    weight: np.ndarray
    years: np.ndarray
    factor: np.ndarray
    window: np.ndarray  # bool, bachelors only meaningful

    def of(self, cycle: str) -> np.ndarray:
        return np.flatnonzero(self.cycle == cycle)


def _programmes() -> _Programmes:
    rows = [line.split("|") for line in _PROGRAMMES.strip().splitlines()]
    codes, counters = [], {"bachelor": 0, "master": 0}
    for faculty, cycle, _name, *_ in rows:
        if cycle == "phd":
            codes.append(f"PHD-{faculty}")
        else:
            # CROHO-like five-digit codes: 5xxxx bachelors, 6xxxx masters.
            base = 56000 if cycle == "bachelor" else 60100
            codes.append(str(base + 37 * counters[cycle]))
            counters[cycle] += 1
    return _Programmes(
        code=np.array(codes, dtype=object),
        name=np.array([row[2].rstrip("*") for row in rows], dtype=object),
        faculty=np.array([row[0] for row in rows], dtype=object),
        cycle=np.array([row[1] for row in rows], dtype=object),
        weight=np.array([float(row[3]) for row in rows]),
        years=np.array([int(row[4]) for row in rows]),
        factor=np.array([float(row[5]) for row in rows]),
        window=np.array([not row[2].endswith("*") for row in rows]),
    )


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


@dataclass(frozen=True)
class _Partners:
    frame: pd.DataFrame  # country, city, name, code (None outside Europe), erasmus (bool)
    country_index: np.ndarray  # index into the country list

    def __len__(self) -> int:
        return len(self.frame)


def _partners(countries: _Countries) -> _Partners:
    rows = []
    for line in _PARTNERS.strip().splitlines():
        country, city, name, number = line.split("|")
        code = None
        if number:
            prefix = ERASMUS_PREFIX.get(country, country)
            city_part = "".join(ch for ch in _ascii(city).upper() if ch.isalpha())[:7]
            code = f"{prefix:<3}{city_part}{number}"
        rows.append({"country": country, "city": city, "name": name, "code": code})
    frame = pd.DataFrame(rows)
    duplicated = frame["code"].dropna().duplicated()
    if duplicated.any():  # pragma: no cover - guards edits of the table above
        raise ValueError(f"duplicate partner codes: {frame['code'].dropna()[duplicated]}")
    frame["erasmus"] = frame["country"].isin(ERASMUS_COUNTRIES)
    return _Partners(frame, countries.index_of(frame["country"]))


@dataclass(frozen=True)
class _Countries:
    """Nationality codes and the probability of each for the groups of internationals."""

    codes: np.ndarray  # alpha-2, NL last
    # group -> probabilities over codes (NL has zero weight)
    weights: dict[str, np.ndarray]
    covered: np.ndarray  # indices that must appear in the calibration year

    @property
    def home(self) -> int:
        return len(self.codes) - 1

    def index_of(self, codes: Sequence[str] | pd.Series) -> np.ndarray:
        lookup = {code: index for index, code in enumerate(self.codes)}
        return np.array([lookup[code] for code in codes], dtype=np.int64)


GROUPS = ("bachelor", "master", "phd", "staff")


def _countries() -> _Countries:
    # UN member states (plus Kosovo, Palestine, Taiwan and Hong Kong, which Dutch registers
    # and partner lists carry as well), from the same library table the ETL normalises with.
    from etl.countries import _converter_data

    data = _converter_data()
    members = sorted(set(data.loc[data["UNmember"].ne(""), "iso2"]) | {"XK", "PS", "TW", "HK"})
    top: dict[str, list[float]] = {}
    for item in filter(str.strip, _TOP_NATIONALITIES.replace("\n", "|").split("|")):
        code, *values = item.split()
        top[code] = [float(value) for value in values]
    tail = [code for code in members if code not in top and code != HOME]
    # A fixed generator: the nationality distribution is part of the model, not of the seed.
    order = np.random.default_rng(2019).permutation(len(tail))
    tail = [tail[index] for index in order]
    codes = np.array([*top, *tail, HOME], dtype=object)
    # Fading tail: a few students from each of the next countries, rarely any from the last.
    zipf = np.exp(-np.arange(len(tail)) / 30)
    weights = {}
    for position, group in enumerate(GROUPS):
        head = np.array([values[position] for values in top.values()])
        head = head / head.sum() * (1 - TAIL_SHARE)
        weights[group] = np.concatenate([head, zipf / zipf.sum() * TAIL_SHARE, [0.0]])
    covered = np.arange(len(top) + COVERED_TAIL)
    return _Countries(codes, weights, covered)


# --------------------------------------------------------------------------- students


@dataclass
class _People:
    """Per-person attributes, grown as groups of people are added."""

    status: np.ndarray
    group: np.ndarray  # index into GROUPS, or 4 for incoming exchange students
    size: int = 0

    @classmethod
    def empty(cls) -> _People:
        return cls(np.zeros(0, np.int8), np.zeros(0, np.int8))

    def add(self, status: np.ndarray, group: int) -> np.ndarray:
        ids = np.arange(self.size, self.size + len(status))
        self.status = np.concatenate([self.status, status.astype(np.int8)])
        self.group = np.concatenate([self.group, np.full(len(status), group, np.int8)])
        self.size += len(status)
        return ids


@dataclass
class _Spells:
    """Study spells: one person in one programme from ``entry`` for ``duration`` years."""

    person: np.ndarray
    programme: np.ndarray
    entry: np.ndarray
    duration: np.ndarray
    graduated: np.ndarray
    new: np.ndarray  # the person's first spell (not a bachelor graduate continuing)

    @property
    def last(self) -> np.ndarray:
        return self.entry + self.duration - 1

    @staticmethod
    def concat(parts: list[_Spells]) -> _Spells:
        return _Spells(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in _Spells.__annotations__)
        )


def _trend(value: float, slope: float, years: np.ndarray) -> np.ndarray:
    return value + slope * (years - CALIBRATION_YEAR)


def _entrants(rng: np.random.Generator, cycle: str, scale: float) -> np.ndarray:
    """Entry year of every entrant of ``cycle``, 2009-2024."""
    years = np.arange(BURN_IN_YEAR, LAST_YEAR + 1)
    expected = ENTRANTS[cycle] * scale * (1 + STUDENT_GROWTH) ** (years - CALIBRATION_YEAR)
    return np.repeat(years, rng.poisson(expected))


def _initial_status(
    rng: np.random.Generator, probability: np.ndarray, unknown: float = 0.005
) -> np.ndarray:
    draw = rng.random(len(probability))
    status = np.where(draw < np.clip(probability, 0, 0.95), INTL_STATUS, HOME_STATUS)
    return np.where(rng.random(len(probability)) < unknown, UNKNOWN_STATUS, status)


def _pick(rng: np.random.Generator, candidates: np.ndarray, count: int) -> np.ndarray:
    return rng.choice(candidates, size=min(count, len(candidates)), replace=False)


def _outcomes(
    rng: np.random.Generator, cycle: str, nominal: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(years enrolled, graduated) per spell."""
    if cycle == "phd":
        durations, graduated, probabilities = zip(*PHD_OUTCOMES, strict=True)
        drawn = rng.choice(len(durations), size=len(nominal), p=probabilities)
        return np.array(durations)[drawn], np.array(graduated)[drawn]
    delays, probabilities = zip(*OUTCOMES[cycle], strict=True)
    delay = np.array(delays)[rng.choice(len(delays), size=len(nominal), p=probabilities)]
    graduated = delay >= 0
    return np.where(graduated, nominal + delay, -delay), graduated


def _simulate_students(
    rng: np.random.Generator, scale: float, programmes: _Programmes, people: _People
) -> _Spells:
    parts = []
    # Bachelor graduates continuing into a master are mostly home students, so new master
    # entrants are more international than the master population (the calibration then
    # corrects the rest).
    factor_scale = {"bachelor": 1.0, "master": 1.35, "phd": 1.0}
    for group, cycle in enumerate(("bachelor", "master", "phd")):
        entry = _entrants(rng, cycle, scale)
        options = programmes.of(cycle)
        weights = programmes.weight[options] / programmes.weight[options].sum()
        # Entrants are spread by size and then by international factor normalised per cycle.
        factor = programmes.factor[options] / (weights * programmes.factor[options]).sum()
        continuing = None
        if cycle == "master":
            continuing = _continuing_masters(rng, parts[0], people, programmes)
            # New entrants fill up to the cycle's intake after the continuing students.
            per_year = pd.Series(entry).value_counts()
            cont_year = pd.Series(continuing.entry).value_counts()
            new_per_year = (per_year - cont_year.reindex(per_year.index, fill_value=0)).clip(0)
            entry = np.repeat(new_per_year.index.to_numpy(), new_per_year.to_numpy())
            entry.sort()
        chosen = rng.choice(len(options), size=len(entry), p=weights)
        programme = options[chosen]
        value, slope = STUDENT_TARGETS[cycle]
        probability = _trend(value, slope, entry) * factor[chosen] * factor_scale[cycle]
        person = people.add(_initial_status(rng, probability), group)
        duration, graduated = _outcomes(rng, cycle, programmes.years[programme])
        spells = _Spells(
            person, programme, entry, duration, graduated, np.ones(len(entry), dtype=bool)
        )
        if continuing is not None:
            spells = _Spells.concat([spells, continuing])
        parts.append(spells)
    return _Spells.concat(parts)


def _continuing_masters(
    rng: np.random.Generator, bachelors: _Spells, people: _People, programmes: _Programmes
) -> _Spells:
    """Bachelor graduates who start a master of their faculty the next year."""
    probability = np.vectorize(CONTINUE_TO_MASTER.get)(people.status[bachelors.person])
    chosen = bachelors.graduated & (rng.random(len(bachelors.person)) < probability)
    person = bachelors.person[chosen]
    entry = bachelors.last[chosen] + 1
    keep = entry <= LAST_YEAR
    person, entry = person[keep], entry[keep]
    faculty = programmes.faculty[bachelors.programme[chosen][keep]]
    programme = np.zeros(len(person), dtype=np.int64)
    masters = programmes.of("master")
    for abbreviation in FACULTIES:
        here = faculty == abbreviation
        options = masters[programmes.faculty[masters] == abbreviation]
        # Continuing students prefer the Dutch-taught masters (low international factor).
        weights = programmes.weight[options] / np.sqrt(programmes.factor[options])
        programme[here] = rng.choice(options, size=here.sum(), p=weights / weights.sum())
    duration, graduated = _outcomes(rng, "master", programmes.years[programme])
    return _Spells(person, programme, entry, duration, graduated, np.zeros(len(person), bool))


def _calibrate(
    rng: np.random.Generator,
    status: np.ndarray,
    person: np.ndarray,
    entry: np.ndarray,
    last: np.ndarray,
    adjustable: np.ndarray,
    targets: dict[int, float | tuple[float, int]],
) -> None:
    """Flip the status of entrants so each year's international share hits its target.

    ``targets`` maps a year to a share, or to (share, extra) where ``extra`` internationals
    are added to the count (used to hit a combined staff target). Only spells that start in
    the year and are ``adjustable`` are flipped, so the years already calibrated stay put.
    """
    for year, target in sorted(targets.items()):
        share, extra = target if isinstance(target, tuple) else (target, 0)
        active = (entry <= year) & (last >= year)
        current = status[person[active]]
        known = int((current != UNKNOWN_STATUS).sum())
        difference = round(share * known) + extra - int((current == INTL_STATUS).sum())
        if difference == 0:
            continue
        source, goal = (HOME_STATUS, INTL_STATUS) if difference > 0 else (INTL_STATUS, HOME_STATUS)
        candidates = person[(entry == year) & adjustable & (status[person] == source)]
        status[_pick(rng, np.unique(candidates), abs(difference))] = goal


def _student_targets(rng: np.random.Generator, cycle: str) -> dict[int, float]:
    value, slope = STUDENT_TARGETS[cycle]
    # Year-to-year wobble around the trend; the calibration year is exact.
    wobble = rng.normal(0, 0.003, len(YEARS))
    targets = _trend(value, slope, YEARS) + wobble
    return {
        int(year): (value if year == CALIBRATION_YEAR else float(target))
        for year, target in zip(YEARS, targets, strict=True)
    }


# --------------------------------------------------------------------------- staff


@dataclass
class _Staff:
    """Staff members: employed on 1 October from ``start`` to ``end``."""

    start: np.ndarray
    end: np.ndarray  # last reference year
    category: np.ndarray  # index into STAFF_CATEGORIES
    unit: np.ndarray  # faculty or central unit name
    fte: np.ndarray
    status: np.ndarray
    gender: np.ndarray


def _simulate_staff(rng: np.random.Generator, scale: float) -> _Staff:
    names = list(STAFF_CATEGORIES)
    is_academic_category = np.array([STAFF_CATEGORIES[n][0] == "academic" for n in names])
    shares = np.array([STAFF_CATEGORIES[name][1] for name in names])
    leaving = np.array([STAFF_CATEGORIES[name][2] for name in names])
    # Newly hired postdocs and researchers are international more often than the stock.
    hire_boost = np.array([1.3 if n in ("postdoc", "researcher") else 1.0 for n in names])
    academic_value, academic_slope = ACADEMIC_TARGET
    # Half the staff is academic, so support staff at 11% make all staff 25% international.
    support_value = (STAFF_TARGET_2019 - 0.5 * academic_value) / 0.5
    wobble = rng.normal(0, 0.003, (len(YEARS), 2))
    category = np.zeros(0, np.int64)
    start = np.zeros(0, np.int64)
    end = np.zeros(0, np.int64)
    status = np.zeros(0, np.int8)
    open_end = LAST_YEAR + 1
    for position, year in enumerate(YEARS):
        leaves = (end == open_end) & (rng.random(len(category)) < leaving[category])
        end[leaves] = year - 1
        total = STAFF_2019 * scale * (1 + STAFF_GROWTH) ** (year - CALIBRATION_YEAR)
        present = np.bincount(category[end == open_end], minlength=len(names))
        hires = np.maximum(np.rint(total * shares).astype(np.int64) - present, 0)
        new_category = np.repeat(np.arange(len(names)), hires)
        academic_share = academic_value + academic_slope * (year - CALIBRATION_YEAR)
        support_share = support_value + SUPPORT_TREND * (year - CALIBRATION_YEAR)
        probability = np.where(is_academic_category[new_category], academic_share, support_share)
        category = np.concatenate([category, new_category])
        start = np.concatenate([start, np.full(len(new_category), year)])
        end = np.concatenate([end, np.full(len(new_category), open_end)])
        new_status = _initial_status(rng, probability * hire_boost[new_category], 0.003)
        status = np.concatenate([status, new_status])

        academic = is_academic_category[category]
        last = np.minimum(end, LAST_YEAR)
        targets: dict[bool, float | tuple[float, int]] = {
            True: academic_share + wobble[position, 0],
            False: support_share + wobble[position, 1],
        }
        if year == CALIBRATION_YEAR:
            # Academic staff exactly 39% international; support staff take whatever makes
            # all staff exactly 25%.
            active = (start <= year) & (last >= year) & (status != UNKNOWN_STATUS)
            academic_goal = round(academic_value * int((active & academic).sum()))
            all_goal = round(STAFF_TARGET_2019 * int(active.sum()))
            targets = {True: academic_value, False: (0.0, all_goal - academic_goal)}
        ids = np.arange(len(category))
        for flag, target in targets.items():
            mask = academic == flag
            # Hires of the year are adjustable (the whole stock in the first year).
            adjustable = np.ones(int(mask.sum()), dtype=bool)
            _calibrate(
                rng, status, ids[mask], start[mask], last[mask], adjustable, {int(year): target}
            )
    end = np.minimum(end, LAST_YEAR)
    count = len(category)
    academic = is_academic_category[category]
    unit = np.empty(count, dtype=object)
    for mask, weights in ((academic, ACADEMIC_FACULTY_WEIGHTS), (~academic, SUPPORT_UNIT_WEIGHTS)):
        labels = np.array([FACULTIES.get(name, name) for name in weights], dtype=object)
        p = np.array(list(weights.values()))
        unit[mask] = labels[rng.choice(len(labels), size=int(mask.sum()), p=p / p.sum())]
    female = np.array([STAFF_CATEGORIES[name][3] for name in names])[category]
    gender = _genders(rng, female)
    fte = _staff_fte(rng, category, names)
    return _Staff(start, end, category, unit, fte, status, gender)


def _staff_fte(rng: np.random.Generator, category: np.ndarray, names: list[str]) -> np.ndarray:
    options = np.round(np.arange(0.2, 1.01, 0.1), 1)
    full = {"professor": 0.75, "postdoc": 0.8, "support": 0.45, "management": 0.8}
    fte = np.empty(len(category))
    for index, name in enumerate(names):
        mask = category == index
        share_full = full.get(name, 0.6)
        rest = np.full(len(options), 1.0)
        rest[options < 0.5] = 0.3 if name != "professor" else 2.0  # endowed chairs
        rest[-1] = 0
        rest = rest / rest.sum() * (1 - share_full)
        rest[-1] = share_full
        fte[mask] = options[rng.choice(len(options), size=int(mask.sum()), p=rest)]
    return fte


def _genders(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    """Index into GENDER_LABELS, given each person's probability of being female."""
    draw = rng.random(len(female))
    gender = np.where(draw < female, 0, 1)
    gender = np.where(draw > 0.997, 2, gender)
    return np.where(draw > 0.9985, 3, gender).astype(np.int8)


GENDER_LABELS = np.array(["female", "male", "other", "unknown"], dtype=object)
FEMALE_SHARE = {"bachelor": 0.60, "master": 0.60, "phd": 0.54}


# --------------------------------------------------------------------------- nationalities


def _draw_nationalities(
    rng: np.random.Generator,
    countries: _Countries,
    status: np.ndarray,
    group: np.ndarray,
    dutch_second: float = 0.02,
) -> tuple[np.ndarray, np.ndarray]:
    """(first, second) nationality indices per person; -1 = none/unknown.

    ``dutch_second``: share of home people who are foreign nationals with Dutch as second
    nationality (home under the dual-nationality rule, international by first nationality).
    """
    count = len(status)
    first = np.full(count, -1, dtype=np.int64)
    second = np.full(count, -1, dtype=np.int64)
    for position, name in enumerate(GROUPS):
        mask = (status == INTL_STATUS) & (group == position)
        weights = countries.weights[name]
        first[mask] = rng.choice(len(weights), size=int(mask.sum()), p=weights)
        extra = mask & (rng.random(count) < 0.04)
        second[extra] = rng.choice(len(weights), size=int(extra.sum()), p=weights)
    second[second == first] = -1
    home = status == HOME_STATUS
    first[home] = countries.home
    dual_codes = countries.index_of(list(DUAL_NATIONALITIES))
    dual_p = np.array(list(DUAL_NATIONALITIES.values()))
    dual_p = dual_p / dual_p.sum()
    draw = rng.random(count)
    # Dutch with a second nationality, and foreign nationals with Dutch as second one: both
    # count as home students.
    with_second = home & (draw < 0.06)
    second[with_second] = dual_codes[rng.choice(len(dual_codes), int(with_second.sum()), p=dual_p)]
    dual_home = home & (draw >= 0.06) & (draw < 0.06 + dutch_second)
    first[dual_home] = dual_codes[rng.choice(len(dual_codes), int(dual_home.sum()), p=dual_p)]
    second[dual_home] = countries.home
    return first, second


def _cover_tail(
    rng: np.random.Generator,
    countries: _Countries,
    first: np.ndarray,
    second: np.ndarray,
    present: np.ndarray,
    donors: np.ndarray,
) -> None:
    """Give the covered countries missing from ``present`` (nationality indices) to some
    ``donors`` (people)."""
    missing = np.setdiff1d(countries.covered, present)
    if len(missing) == 0:
        return
    # Donors of the five biggest nationalities without a second nationality.
    eligible = donors[(first[donors] < 5) & (second[donors] < 0)]
    chosen = _pick(rng, eligible, len(missing))
    first[chosen] = missing[: len(chosen)]


def _prior_education(
    rng: np.random.Generator,
    countries: _Countries,
    status: np.ndarray,
    first: np.ndarray,
) -> np.ndarray:
    count = len(status)
    prior = np.full(count, countries.home, dtype=np.int64)
    draw = rng.random(count)
    intl = status == INTL_STATUS
    # Internationals mostly went to school in their own country, some grew up in the
    # Netherlands, a few elsewhere.
    prior[intl & (draw < 0.78)] = first[intl & (draw < 0.78)]
    elsewhere = intl & (draw >= 0.93)
    weights = countries.weights["master"]
    prior[elsewhere] = rng.choice(len(weights), size=int(elsewhere.sum()), p=weights)
    # Dutch students with a diploma from abroad (international schools, emigrant families).
    abroad = (status == HOME_STATUS) & (draw < 0.015)
    abroad_codes = countries.index_of(["BE", "DE", "GB", "US", "FR", "ES", "CH", "ID"])
    prior[abroad] = abroad_codes[rng.integers(0, len(abroad_codes), int(abroad.sum()))]
    foreign_home = (status == HOME_STATUS) & (first != countries.home) & (draw > 0.85)
    prior[foreign_home] = first[foreign_home]
    prior[(status == UNKNOWN_STATUS) & (draw < 0.6)] = -1
    return prior


# --------------------------------------------------------------------------- dates


def _september_first(years: np.ndarray) -> np.ndarray:
    months = (np.asarray(years) - 1970).astype("datetime64[Y]").astype("datetime64[M]") + 8
    return months.astype("datetime64[D]")


def _explode(first: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row index, year) for every year of rows that start in ``first`` and last ``length``."""
    index = np.repeat(np.arange(len(first)), length)
    offset = np.arange(len(index)) - np.repeat(np.cumsum(length) - length, length)
    return index, first[index] + offset


def _iso(dates: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(dates.astype("datetime64[D]"), unit="D").astype(object)


# --------------------------------------------------------------------------- mobility


@dataclass
class _Mobility:
    """Columns of mobility rows being collected (numpy arrays of equal length)."""

    parts: list[dict[str, np.ndarray]]

    def add(self, **columns: np.ndarray | str | None) -> None:
        size = max(len(v) for v in columns.values() if isinstance(v, np.ndarray))
        self.parts.append(
            {
                name: value if isinstance(value, np.ndarray) else np.full(size, value, dtype=object)
                for name, value in columns.items()
            }
        )


def _partner_weights(partners: _Partners, seed: int) -> np.ndarray:
    # Popularity of a partner: the destination country's pull times the partner's own.
    spread = np.random.default_rng(seed).lognormal(0, 0.5, len(partners))
    country = partners.frame["country"].map(DESTINATION_WEIGHTS).fillna(1.0).to_numpy()
    weights = country * spread
    return weights / weights.sum()


def _choose_partners(
    rng: np.random.Generator, weights: np.ndarray, size: int, allowed: np.ndarray | None = None
) -> np.ndarray:
    if allowed is not None:
        weights = np.where(allowed, weights, 0.0)
    return rng.choice(len(weights), size=size, p=weights / weights.sum())


def _funding(
    rng: np.random.Generator, country: np.ndarray, year: np.ndarray, activity: np.ndarray
) -> np.ndarray:
    erasmus = np.isin(country, list(ERASMUS_COUNTRIES)) & ~((country == "GB") & (year >= 2022))
    neighbour = np.isin(country, ["UA", "GE", "MD", "AM", "AL", "BA", "ME", "MA", "IL", "EG"])
    draw = rng.random(len(country))
    funded = (erasmus & (draw < 0.93)) | (neighbour & (draw < 0.5))
    funded &= activity != "virtual_exchange"
    other = rng.random(len(country)) < 0.3
    return np.where(funded, "Erasmus+", np.where(other, "other", "own")).astype(object)


def _ects(rng: np.random.Generator, options: Sequence[float], size: int) -> np.ndarray:
    return np.asarray(options, dtype=float)[rng.integers(0, len(options), size)]


def _recognised(rng: np.random.Generator, earned: np.ndarray) -> np.ndarray:
    less = rng.random(len(earned)) < 0.15
    cut = _ects(rng, (2.5, 5, 7.5, 10), len(earned))
    return np.where(less, np.maximum(earned - cut, 0), earned)


def _long_stays(
    rng: np.random.Generator,
    spells: _Spells,
    programmes: _Programmes,
) -> tuple[np.ndarray, np.ndarray]:
    """(spell index, year) of the semester or year abroad of bachelor and master spells."""
    cycle = programmes.cycle[spells.programme]
    nominal = programmes.years[spells.programme]
    count = len(cycle)
    offset = np.where(rng.random(count) < 0.65, 2, 1)
    offset = np.where((spells.duration >= 4) & (rng.random(count) < 0.2), 3, offset)
    base = np.where(programmes.window[spells.programme], 0.19, 0.05)
    master = cycle == "master"
    offset[master] = np.minimum(nominal[master] - 1, 1) + (nominal[master] == 3)
    base[master] = np.select([nominal[master] == 1, nominal[master] == 2], [0.07, 0.26], 0.2)
    year = spells.entry + offset
    probability = base * (1 + 0.045 * (year - FIRST_YEAR)) * _covid(year)
    chosen = (
        (cycle != "phd")
        & (offset < spells.duration)
        & (year >= FIRST_MOBILITY_YEAR)
        & (year <= LAST_YEAR)
        & (rng.random(count) < probability)
    )
    return np.flatnonzero(chosen), year[chosen]


def _covid(year: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda y: COVID.get(int(y), 1.0), otypes=[float])(year)


def _stay_dates(
    rng: np.random.Generator, year: np.ndarray, activity: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start, end, timing) of long stays; timing 0 autumn, 1 spring, 2 full year."""
    count = len(year)
    september = _september_first(year)
    timing = rng.choice(3, size=count, p=[0.55, 0.30, 0.15])
    start_offset = np.select(
        [timing == 1, activity == "traineeship"],
        [146 + rng.integers(0, 21, count), rng.integers(0, 240, count)],
        rng.integers(0, 15, count),
    )
    length = np.select(
        [timing == 2, activity == "traineeship", activity == "combined"],
        [
            rng.integers(270, 301, count),
            rng.integers(90, 181, count),
            rng.integers(150, 241, count),
        ],
        np.where(timing == 1, rng.integers(110, 151, count), rng.integers(120, 151, count)),
    )
    # One traineeship in ten is shorter than three months.
    short = (activity == "traineeship") & (rng.random(count) < 0.1)
    length = np.where(short, rng.integers(60, 90, count), length)
    start = september + start_offset
    return start, start + length - 1, timing


def _student_mobility(
    rng: np.random.Generator,
    mobility: _Mobility,
    spells: _Spells,
    programmes: _Programmes,
    partners: _Partners,
    keys: np.ndarray,
    fewer: np.ndarray,
) -> None:
    weights = _partner_weights(partners, 11)
    coded = partners.frame["code"].notna().to_numpy()
    country = partners.frame["country"].to_numpy(dtype=object)

    def add(
        spell: np.ndarray,
        year: np.ndarray,
        activity: np.ndarray,
        start: np.ndarray,
        end: np.ndarray,
        earned: np.ndarray,
    ) -> None:
        size = len(spell)
        # Blended intensive programmes are run by Erasmus partners (which have a code).
        bip = activity == "blended_intensive"
        partner = np.where(
            bip,
            _choose_partners(rng, weights, size, coded),
            _choose_partners(rng, weights, size),
        )
        # Half the traineeships are with an organisation rather than a partner university.
        organisation = (activity == "traineeship") & (rng.random(size) < 0.5)
        partner_country = country[partner]
        partner = np.where(organisation, -1, partner)
        earned = np.asarray(earned, dtype=float)
        programme = spells.programme[spell]
        mobility.add(
            participant="student",
            direction="outgoing",
            person_key=keys[spells.person[spell]],
            academic_year=year,
            cycle=programmes.cycle[programme],
            programme_code=programmes.code[programme],
            faculty=None,
            activity=activity,
            funding=_funding(rng, partner_country, year, activity),
            partner=partner,
            partner_country=partner_country,
            start_date=start,
            end_date=end,
            ects_earned=earned,
            ects_recognised=_recognised(rng, earned),
            fewer_opportunities=fewer[spells.person[spell]],
        )

    spell, year = _long_stays(rng, spells, programmes)
    faculty = programmes.faculty[spells.programme[spell]]
    science = np.isin(faculty, ["SCI", "LUMC"])
    draw = rng.random(len(spell))
    activity = np.where(
        draw < np.where(science, 0.62, 0.80),
        "study",
        np.where(draw < 0.96, "traineeship", "combined"),
    ).astype(object)
    start, end, timing = _stay_dates(rng, year, activity)
    earned = np.select(
        [timing == 2, activity == "traineeship", activity == "combined"],
        [
            _ects(rng, (45, 50, 55, 60, 60), len(spell)),
            _ects(rng, (15, 18, 20, 24, 30), len(spell)),
            np.full(len(spell), 30.0),
        ],
        _ects(rng, (20, 24, 25, 27.5, 30, 30), len(spell)),
    )
    # Spring 2020: half the stays abroad were cut short in March, with fewer credits.
    lockdown = np.datetime64("2020-03-16")
    cut = (start < lockdown) & (end > lockdown) & (rng.random(len(spell)) < 0.5)
    end = np.where(cut, lockdown + rng.integers(0, 14, len(spell)), end)
    earned = np.where(cut, np.round(earned * rng.uniform(0.3, 0.8, len(spell)) * 2) / 2, earned)
    add(spell, year, activity, start, end, earned)

    # Short activities, per spell and year enrolled.
    spell_year, year = _explode(spells.entry, spells.duration)
    keep = (year >= FIRST_MOBILITY_YEAR) & (year <= LAST_YEAR)
    spell_year, year = spell_year[keep], year[keep]
    cycle = programmes.cycle[spells.programme[spell_year]]
    september = _september_first(year)
    degree = cycle != "phd"
    bip = np.select(
        [year >= 2024, year >= 2023, year >= 2022, year >= 2021], [0.02, 0.016, 0.01, 0.004]
    )
    virtual = np.select([year == 2020, year > 2020], [0.012, 0.006])
    plans = [
        # activity, probability per student-year, days, ECTS options, start offset range
        ("study", np.where(degree, 0.008 * _covid(year), 0), (20, 80), (5, 6, 7.5, 10, 12), 280),
        ("blended_intensive", np.where(degree, bip, 0), (5, 10), (3, 4, 5, 6), 300),
        ("virtual_exchange", np.where(degree, virtual, 0), (28, 70), (3, 4, 5), 240),
        ("short_doctoral", np.where(~degree & (year >= 2021), 0.035, 0), (5, 30), (), 300),
        ("traineeship", np.where(~degree, 0.02 * _covid(year), 0), (60, 180), (), 200),
    ]
    for activity_name, probability, (shortest, longest), credits, latest in plans:
        chosen = rng.random(len(year)) < probability
        size = int(chosen.sum())
        start = september[chosen] + rng.integers(0, latest, size)
        end = start + rng.integers(shortest, longest + 1, size) - 1
        earned = _ects(rng, credits, size) if credits else np.full(size, np.nan)
        activity = np.full(size, activity_name, dtype=object)
        add(spell_year[chosen], year[chosen], activity, start, end, earned)


def _exchange_students(
    rng: np.random.Generator,
    scale: float,
    people: _People,
    programmes: _Programmes,
    partners: _Partners,
) -> pd.DataFrame:
    """Incoming exchange students: one row each, with partner, host programme and dates."""
    # Guests cancelled in 2020-21 and partly in 2021-22 (spring 2020 is handled below).
    covid = np.array([{2020: 0.4, 2021: 0.8}.get(int(y), 1.0) for y in YEARS])
    expected = 1_300 * scale * (1 + 0.02 * (YEARS - CALIBRATION_YEAR)) * covid
    year = np.repeat(YEARS, rng.poisson(expected))
    count = len(year)
    weights = _partner_weights(partners, 13)
    erasmus = partners.frame["erasmus"].to_numpy()
    # Seven in ten come from Erasmus+ programme countries.
    weights = np.where(erasmus, weights / weights[erasmus].sum() * 0.7, weights)
    weights = np.where(~erasmus, weights / weights[~erasmus].sum() * 0.3, weights)
    partner = _choose_partners(rng, weights, count)
    hosts = np.concatenate([programmes.of("bachelor"), programmes.of("master")])
    host_weight = programmes.weight[hosts] * programmes.factor[hosts]
    host_weight = np.where(programmes.cycle[hosts] == "bachelor", host_weight * 1.6, host_weight)
    programme = hosts[rng.choice(len(hosts), size=count, p=host_weight / host_weight.sum())]
    activity = np.where(rng.random(count) < 0.92, "study", "traineeship").astype(object)
    start, end, timing = _stay_dates(rng, year, activity)
    earned = np.where(timing == 2, _ects(rng, (50, 55, 60), count), _ects(rng, (20, 25, 30), count))
    # Spring 2020: four in ten guests never came.
    kept = ~((year == 2019) & (timing == 1) & (rng.random(count) < 0.4))
    year, partner, programme, activity = year[kept], partner[kept], programme[kept], activity[kept]
    start, end, timing, earned = start[kept], end[kept], timing[kept], earned[kept]
    count = len(year)
    person = people.add(np.full(count, INTL_STATUS, dtype=np.int8), 4)
    return pd.DataFrame(
        {
            "person": person,
            "year": year,
            "partner": partner,
            "programme": programme,
            "activity": activity,
            "start": start,
            "end": end,
            "timing": timing,
            "earned": np.where(activity == "traineeship", np.nan, earned),
        }
    )


def _staff_mobility(
    rng: np.random.Generator,
    mobility: _Mobility,
    staff: _Staff,
    staff_keys: np.ndarray,
    partners: _Partners,
) -> None:
    names = list(STAFF_CATEGORIES)
    academic = np.array([STAFF_CATEGORIES[n][0] == "academic" for n in names])[staff.category]
    member, year = _explode(staff.start, staff.end - staff.start + 1)
    covid = np.vectorize(lambda y: {2019: 0.8, 2020: 0.1, 2021: 0.5}.get(int(y), 1.0))(year)
    probability = np.where(academic[member], 0.045, 0.015) * (1 + 0.03 * (year - 2015)) * covid
    chosen = rng.random(len(member)) < probability
    member, year = member[chosen], year[chosen]
    size = len(member)
    weights = _partner_weights(partners, 17)
    coded = partners.frame["code"].notna().to_numpy()
    partner = np.where(
        rng.random(size) < 0.9,
        _choose_partners(rng, weights, size, coded),
        _choose_partners(rng, weights, size, ~coded),
    )
    teaching = academic[member] & (rng.random(size) < 0.7)
    activity = np.where(teaching, "staff_teaching", "staff_training").astype(object)
    country = partners.frame["country"].to_numpy(dtype=object)[partner]
    start = _september_first(year) + rng.integers(0, 300, size)
    mobility.add(
        participant="staff",
        direction="outgoing",
        person_key=staff_keys[member],
        academic_year=year,
        cycle=None,
        programme_code=None,
        faculty=staff.unit[member],
        activity=activity,
        funding=_funding(rng, country, year, activity),
        partner=partner,
        partner_country=country,
        start_date=start,
        end_date=start + rng.integers(2, 7, size) - 1,
        ects_earned=np.full(size, np.nan),
        ects_recognised=np.full(size, np.nan),
        fewer_opportunities=None,
    )
    # Guests: about seven for every ten staff members sent out, keyed by the guest system.
    outgoing_per_year = np.bincount(year - FIRST_YEAR, minlength=len(YEARS))
    incoming_year = np.repeat(YEARS, rng.poisson(0.7 * outgoing_per_year))
    size = len(incoming_year)
    partner = _choose_partners(rng, weights, size, coded)
    country = partners.frame["country"].to_numpy(dtype=object)[partner]
    activity = np.where(rng.random(size) < 0.7, "staff_teaching", "staff_training").astype(object)
    start = _september_first(incoming_year) + rng.integers(0, 300, size)
    faculty = np.array([FACULTIES[a] for a in FACULTIES], dtype=object)
    guest_keys = _keys(rng, "G", 7, size)
    mobility.add(
        participant="staff",
        direction="incoming",
        person_key=guest_keys,
        academic_year=incoming_year,
        cycle=None,
        programme_code=None,
        faculty=faculty[rng.integers(0, len(faculty), size)],
        activity=activity,
        funding=_funding(rng, country, incoming_year, activity),
        partner=partner,
        partner_country=country,
        start_date=start,
        end_date=start + rng.integers(2, 7, size) - 1,
        ects_earned=np.full(size, np.nan),
        ects_recognised=np.full(size, np.nan),
        fewer_opportunities=None,
    )


# --------------------------------------------------------------------------- small tables

NETWORKS = (
    # code, name, type, member since, member until, role, activities per year, activity mix
    (
        "LERU",
        "League of European Research Universities",
        "university_association",
        2002,
        None,
        "founding_member",
        (3, 6),
        {"research_project": 4, "staff_exchange": 3, "summer_school": 2, "joint_programme": 1},
    ),
    (
        "COIMBRA",
        "Coimbra Group",
        "university_association",
        1985,
        None,
        "founding_member",
        (2, 5),
        {"staff_exchange": 3, "summer_school": 3, "student_mobility": 2, "research_project": 2},
    ),
    (
        "EUROPAEUM",
        "Europaeum",
        "university_association",
        1992,
        None,
        "founding_member",
        (1, 4),
        {"summer_school": 5, "student_mobility": 3, "staff_exchange": 2},
    ),
    (
        "EUA",
        "European University Association",
        "university_association",
        2001,
        None,
        "member",
        (1, 2),
        {"other": 5, "staff_exchange": 5},
    ),
    (
        "EUNIWELL",
        "European University for Well-Being (EUniWell)",
        "european_university_alliance",
        2019,
        None,
        "member",
        (3, 8),
        {
            "student_mobility": 3,
            "joint_programme": 2,
            "summer_school": 2,
            "research_project": 2,
            "staff_exchange": 1,
        },
    ),
    (
        "MEDDELTA",
        "Medical Delta",
        "regional_alliance",
        2006,
        None,
        "founding_member",
        (2, 5),
        {"research_project": 6, "joint_programme": 2, "summer_school": 2},
    ),
    (
        "HEALTHTIES",
        "HealthTies",
        "thematic_network",
        2016,
        2022,
        "member",
        (1, 3),
        {"research_project": 5, "staff_exchange": 3, "summer_school": 2},
    ),
)
TOPICS = (
    "Well-being and health",
    "Sustainable cities",
    "Migration and diversity",
    "Data science and AI",
    "Global health",
    "Healthy ageing",
    "Climate and energy",
    "Democracy and the rule of law",
    "Heritage and identity",
    "Inclusive education",
)
PARTICIPANTS_RANGE = {
    "summer_school": (5, 40),
    "student_mobility": (10, 80),
    "staff_exchange": (2, 15),
    "research_project": (3, 25),
    "joint_programme": (10, 40),
    "other": (1, 6),
}


def _programmes_frame(programmes: _Programmes) -> pd.DataFrame:
    bachelor = programmes.cycle == "bachelor"
    return pd.DataFrame(
        {
            "programme_code": programmes.code,
            "programme_name": programmes.name,
            "faculty": [FACULTIES[abbreviation] for abbreviation in programmes.faculty],
            "cycle": programmes.cycle,
            "mobility_window": np.where(bachelor, np.where(programmes.window, "yes", "no"), ""),
            "institution_code": INSTITUTION_CODE,
        }
    )


def _institutions_frame(partners: _Partners) -> pd.DataFrame:
    coded = partners.frame.dropna(subset=["code"])
    return pd.DataFrame(
        {
            "erasmus_code": coded["code"],
            "institution_name": coded["name"],
            "city": coded["city"],
            "country": coded["country"],
        }
    )


def _networks_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "network_code": code,
                "network_name": name,
                "network_type": kind,
                "member_since": since,
                "member_until": "" if until is None else until,
                "role": role,
            }
            for code, name, kind, since, until, role, _, _ in NETWORKS
        ]
    )


def _network_activities_frame(rng: np.random.Generator) -> pd.DataFrame:
    faculties = list(FACULTIES.values())
    rows = []
    for code, _, _, since, until, _, (fewest, most), mix in NETWORKS:
        kinds = list(mix)
        p = np.array(list(mix.values()), dtype=float)
        for year in YEARS:
            if year < since or (until is not None and year > until):
                continue
            # The European University alliance grows after its start.
            growth = min(year - since, 4) if code == "EUNIWELL" else 0
            count = int(rng.integers(fewest, most + 1)) + growth
            if year == 2020:
                count = max(1, count // 2)
            for number in range(1, count + 1):
                kind = kinds[rng.choice(len(kinds), p=p / p.sum())]
                low, high = PARTICIPANTS_RANGE[kind]
                if code == "MEDDELTA":
                    faculty = ("Medicine/LUMC", "Science")[int(rng.integers(0, 2))]
                else:
                    faculty = faculties[int(rng.integers(0, len(faculties)))]
                topic = TOPICS[int(rng.integers(0, len(TOPICS)))]
                rows.append(
                    {
                        "activity_id": f"{code}-{year}-{number:02d}",
                        "network_code": code,
                        "academic_year": ACADEMIC_YEAR_LABELS[int(year)],
                        "activity_type": kind,
                        "title": f"{kind.replace('_', ' ').capitalize()}: {topic}",
                        "participants": int(rng.integers(low, high + 1)),
                        "faculty": faculty,
                    }
                )
    return pd.DataFrame(rows)


PROJECT_TITLES = (
    "Digital skills for the humanities",
    "Inclusive internationalisation at home",
    "Open science in doctoral education",
    "Teaching the rule of law in Europe",
    "Climate adaptation in delta cities",
    "Virtual labs for life sciences",
    "Heritage at risk: shared methods",
    "Mental health of students",
    "Data literacy for public administration",
    "Microcredentials for lifelong learning",
    "Blended mobility in archaeology",
    "Global health curricula",
)


def _projects_frame(rng: np.random.Generator, partners: _Partners) -> pd.DataFrame:
    faculties = list(FACULTIES.values())
    countries = partners.frame.loc[partners.frame["erasmus"], "country"].unique().tolist()
    countries = [c for c in countries if c not in ("GB", "CH")]
    rows = [
        {
            "project_id": "EUR-UNIV-2020-EUNIWELL",
            "title": "EUniWell: European University for Well-Being (pilot)",
            "funding_programme": "Erasmus+",
            "action_type": "european_university",
            "role": "partner",
            "start_date": "2020-11-01",
            "end_date": "2023-10-31",
            "eu_grant_eur": "412000",
            "network_code": "EUNIWELL",
            "faculty": "",
        },
        {
            "project_id": "EUR-UNIV-2023-EUNIWELL",
            "title": "EUniWell: European University for Well-Being",
            "funding_programme": "Erasmus+",
            "action_type": "european_university",
            "role": "partner",
            "start_date": "2023-11-01",
            "end_date": "2027-10-31",
            "eu_grant_eur": "1150000",
            "network_code": "EUNIWELL",
            "faculty": "",
        },
    ]
    plan = (
        ("cooperation_partnership", 22, (24, 36)),
        ("alliance_for_innovation", 4, (24, 36)),
        ("capacity_building", 6, (36, 36)),
        ("jean_monnet", 5, (36, 36)),
    )
    number = 0
    for action, count, (shortest, longest) in plan:
        for _ in range(count):
            number += 1
            year = int(rng.integers(FIRST_YEAR, LAST_YEAR + 1))
            coordinator = action == "jean_monnet" or rng.random() < 0.3
            country = HOME if coordinator else countries[int(rng.integers(0, len(countries)))]
            months = int(rng.choice([shortest, longest]))
            start = np.datetime64(f"{year}-{int(rng.choice([9, 10, 11, 12])):02d}-01")
            end = (start.astype("datetime64[M]") + months).astype("datetime64[D]") - 1
            low, high = (150_000, 400_000) if coordinator else (20_000, 90_000)
            if action == "jean_monnet":
                low, high = 30_000, 100_000
            if year >= 2021:
                project_id = f"{101_040_000 + 731 * number}"
            elif action == "cooperation_partnership":
                project_id = f"{year}-1-{country}01-KA203-{60_000 + 97 * number:06d}"
            else:
                kind = {"alliance_for_innovation": "KA", "capacity_building": "CBHE-JP"}.get(
                    action, "JMO-CHAIR"
                )
                project_id = f"{600_000 + 113 * number}-EPP-1-{year}-1-{country}-EPPKA2-{kind}"
            faculty = (
                faculties[int(rng.integers(0, len(faculties)))]
                if action != "jean_monnet"
                else ("Law", "Governance and Global Affairs", "Humanities")[number % 3]
            )
            rows.append(
                {
                    "project_id": project_id,
                    "title": PROJECT_TITLES[int(rng.integers(0, len(PROJECT_TITLES)))],
                    "funding_programme": "Erasmus+",
                    "action_type": action,
                    "role": "coordinator" if coordinator else "partner",
                    "start_date": str(start),
                    "end_date": str(end),
                    "eu_grant_eur": str(int(rng.integers(low, high) // 100 * 100)),
                    "network_code": "",
                    "faculty": faculty,
                }
            )
    return pd.DataFrame(rows)


def _agreements_frame(rng: np.random.Generator, partners: _Partners) -> pd.DataFrame:
    faculties = list(FACULTIES.values())
    rows = []

    def add(partner: pd.Series, kind: str, start: int, end: int | None, faculty: str | None):
        places = kind != "joint_degree"
        rows.append(
            {
                "agreement_id": f"AGR-{len(rows) + 1:04d}",
                "partner_erasmus_code": partner["code"],
                "partner_name": partner["name"],
                "partner_country": partner["country"],
                "agreement_type": kind,
                "start_year": start,
                "end_year": end,
                "faculty": faculty,
                "places_outgoing": int(rng.integers(1, 7)) if places else None,
                "places_incoming": int(rng.integers(1, 7)) if places else None,
            }
        )

    for _, partner in partners.frame.iterrows():
        faculty = None if rng.random() < 0.6 else faculties[int(rng.integers(0, len(faculties)))]
        if pd.notna(partner["code"]):
            # The 2014-2020 agreements, renewed as Erasmus Without Paper IIAs from 2021.
            renewed = rng.random() < 0.9
            if rng.random() < 0.85:
                add(partner, "erasmus_iia", 2014, 2020, faculty)
            else:
                renewed = True
            if renewed:
                add(partner, "erasmus_iia", 2021 + int(rng.random() < 0.15), None, faculty)
        else:
            start = int(rng.integers(2008, 2021))
            end = None if rng.random() < 0.85 else int(rng.integers(max(start, 2019), 2024))
            add(partner, "bilateral", start, end, faculty)
    names = partners.frame.set_index("name")
    for name, faculty, start in (
        ("KU Leuven", "Humanities", 2016),
        ("University of Bologna", "Law", 2018),
        ("Uppsala University", "Science", 2017),
        ("Universitat Pompeu Fabra", "Governance and Global Affairs", 2020),
    ):
        partner = names.loc[name].copy()
        partner["name"] = name
        add(partner, "joint_degree", start, None, faculty)
    frame = pd.DataFrame(rows)
    for column in ("end_year", "places_outgoing", "places_incoming"):
        frame[column] = frame[column].astype("Int64")
    return frame


# --------------------------------------------------------------------------- writing


def _keys(rng: np.random.Generator, prefix: str, digits: int, count: int) -> np.ndarray:
    """Distinct pseudonymous keys like S48213377 (random, so they reveal no order)."""
    low = 10 ** (digits - 1)
    numbers = rng.choice(9 * low, size=count, replace=False) + low
    return np.char.add(prefix, numbers.astype(str)).astype(object)


def _text(indices: np.ndarray, labels: Sequence[object]) -> pa.Array:
    """Text column from label indices (-1 = empty): built as a dictionary, then decoded."""
    values = pa.array([*labels, None], type=pa.string())
    indices = np.where(indices < 0, len(values) - 1, indices).astype(np.int32)
    return pa.DictionaryArray.from_arrays(pa.array(indices), values).dictionary_decode()


def _labels(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(indices, labels) of an object array whose None/NaN entries become empty cells."""
    series = pd.Series(values, dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def _write_parquet(path: Path, columns: dict[str, pa.Array | np.ndarray]) -> Path:
    arrays = {
        name: column if isinstance(column, pa.Array) else _text(*_labels(column))
        for name, column in columns.items()
    }
    pq.write_table(pa.table(arrays), path, compression="zstd")
    return path


def _number_text(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    text = np.char.mod("%g", np.nan_to_num(values)).astype(object)
    text[np.isnan(values)] = None
    return text


def generate_demo(output: Path, *, scale: float = 1.0, seed: int = 42) -> list[Path]:
    """Write the demo university's input files to ``output``; return their paths.

    ``scale`` multiplies students, staff and mobility (1 = about 30,000 students and 7,000
    staff a year; fractions give a small test university). Same ``seed``, same data.
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    countries = _countries()
    programmes = _programmes()
    partners = _partners(countries)

    people = _People.empty()
    spells = _simulate_students(rng, scale, programmes, people)
    spell_cycle = programmes.cycle[spells.programme]
    for cycle in ("bachelor", "master", "phd"):
        mask = spell_cycle == cycle
        _calibrate(
            rng,
            people.status,
            spells.person[mask],
            spells.entry[mask],
            spells.last[mask],
            spells.new[mask],
            _student_targets(rng, cycle),
        )
    exchange = _exchange_students(rng, scale, people, programmes, partners)
    staff = _simulate_staff(rng, scale)

    # Nationalities, once every status is final.
    group = np.where(people.group == 4, 1, people.group)
    first, second = _draw_nationalities(rng, countries, people.status, group)
    sending = partners.country_index[exchange["partner"].to_numpy()]
    own_country = rng.random(len(exchange)) < 0.85
    exchange_person = exchange["person"].to_numpy()
    first[exchange_person[own_country]] = sending[own_country]
    # Staff KPIs may read the first nationality only: no staff member is a foreign national
    # with Dutch as second nationality, so both readings give the calibrated shares.
    staff_first, staff_second = _draw_nationalities(
        rng, countries, staff.status, np.full(len(staff.start), 3), dutch_second=0.0
    )
    in_2019 = (spells.entry <= CALIBRATION_YEAR) & (spells.last >= CALIBRATION_YEAR)
    exchange_2019 = (exchange["year"].to_numpy() == CALIBRATION_YEAR) & (
        exchange["timing"].to_numpy() != 1
    )
    staff_2019 = (staff.start <= CALIBRATION_YEAR) & (staff.end >= CALIBRATION_YEAR)
    donors = np.unique(spells.person[in_2019])
    present = np.concatenate(
        [first[donors], first[exchange_person[exchange_2019]], staff_first[staff_2019]]
    )
    donors = donors[people.status[donors] == INTL_STATUS]
    _cover_tail(rng, countries, first, second, present, donors)
    prior = _prior_education(rng, countries, people.status, first)
    prior[exchange_person] = first[exchange_person]

    # Groups: bachelor, master, PhD, (staff: not students), exchange.
    female = np.array([*FEMALE_SHARE.values(), 0.5, 0.62])[people.group]
    gender = _genders(rng, female)
    fewer = rng.random(people.size) < np.where(people.status == HOME_STATUS, 0.11, 0.07)
    fewer_text = np.where(fewer, "true", "false").astype(object)
    keys = _keys(rng, "S", 8, people.size)
    staff_keys = _keys(rng, "P", 7, len(staff.start))

    mobility = _Mobility([])
    _student_mobility(rng, mobility, spells, programmes, partners, keys, fewer_text)
    exchange_country = partners.frame["country"].to_numpy(dtype=object)[exchange["partner"]]
    exchange_year = exchange["year"].to_numpy()
    exchange_activity = exchange["activity"].to_numpy(dtype=object)
    exchange_programme = exchange["programme"].to_numpy()
    mobility.add(
        participant="student",
        direction="incoming",
        person_key=keys[exchange_person],
        academic_year=exchange_year,
        cycle=programmes.cycle[exchange_programme],
        programme_code=programmes.code[exchange_programme],
        faculty=None,
        activity=exchange_activity,
        funding=_funding(rng, exchange_country, exchange_year, exchange_activity),
        partner=exchange["partner"].to_numpy(),
        partner_country=exchange_country,
        start_date=exchange["start"].to_numpy(),
        end_date=exchange["end"].to_numpy(),
        ects_earned=exchange["earned"].to_numpy(),
        ects_recognised=np.full(len(exchange), np.nan),
        fewer_opportunities=fewer_text[exchange_person],
    )
    _staff_mobility(rng, mobility, staff, staff_keys, partners)

    country_labels = countries.codes
    paths = [
        _write_csv(output / "programmes.csv", _programmes_frame(programmes)),
        _write_csv(output / "institutions.csv", _institutions_frame(partners)),
        _write_csv(output / "networks.csv", _networks_frame()),
        _write_csv(output / "network_activities.csv", _network_activities_frame(rng)),
        _write_csv(output / "projects.csv", _projects_frame(rng, partners)),
    ]
    agreements = output / "agreements.xlsx"
    _agreements_frame(rng, partners).to_excel(
        agreements, index=False, sheet_name="agreements", engine="openpyxl"
    )
    paths.append(agreements)

    # Enrolments: degree students per year enrolled, then exchange students present on
    # 1 October (autumn and full-year stays).
    spell, year = _explode(spells.entry, spells.duration)
    keep = (year >= FIRST_YEAR) & (year <= LAST_YEAR)
    offset = (year - spells.entry[spell])[keep]
    spell, year = spell[keep], year[keep]
    person = spells.person[spell]
    programme = spells.programme[spell]
    bachelor = programmes.cycle[programme] == "bachelor"
    phase = np.where(bachelor, np.where(offset == 0, 0, 1), -1)
    mode = rng.choice(3, size=len(spells.entry), p=[0.955, 0.04, 0.005])
    mode = np.where(spell_cycle == "phd", 0, mode)[spell]
    present = exchange["timing"].to_numpy() != 1
    person = np.concatenate([person, exchange_person[present]])
    programme = np.concatenate([programme, exchange_programme[present]])
    year = np.concatenate([year, exchange_year[present]])
    kind = np.concatenate([np.zeros(len(phase), np.int8), np.ones(int(present.sum()), np.int8)])
    phase = np.concatenate([phase, np.full(int(present.sum()), -1)])
    mode = np.concatenate([mode, np.zeros(int(present.sum()), np.int64)])
    order = np.argsort(year, kind="stable")
    year_labels = list(ACADEMIC_YEAR_LABELS.values())
    first_label = min(ACADEMIC_YEAR_LABELS)
    enrolments = {
        "academic_year": _text(year[order] - first_label, year_labels),
        "student_key": _text(person[order], keys),
        "programme_code": _text(programme[order], programmes.code),
        "cycle": _text(programme[order], programmes.cycle),
        "phase": _text(phase[order], ["propedeuse", "postpropedeuse"]),
        "nationality": _text(first[person[order]], country_labels),
        "second_nationality": _text(second[person[order]], country_labels),
        "prior_education_country": _text(prior[person[order]], country_labels),
        "gender": _text(gender[person[order]], GENDER_LABELS),
        "enrolment_type": _text(kind[order], ["degree", "exchange"]),
        "study_mode": _text(mode[order], ["full_time", "part_time", "dual"]),
        "fewer_opportunities": _text(fewer[person[order]].astype(np.int8), ["false", "true"]),
        "population": _text(np.zeros(len(order), np.int8), ["enrolled"]),
    }
    paths.append(_write_parquet(output / "enrolments.parquet", enrolments))

    graduated = spells.graduated & (spells.last >= FIRST_YEAR) & (spells.last <= LAST_YEAR)
    index = np.flatnonzero(graduated)
    index = index[np.argsort(spells.last[index], kind="stable")]
    person = spells.person[index]
    programme = spells.programme[index]
    # Bachelors mostly graduate in the summer; masters and PhDs all year round.
    summer = (programmes.cycle[programme] == "bachelor") & (rng.random(len(index)) < 0.7)
    day = np.where(summer, rng.integers(303, 365, len(index)), rng.integers(0, 365, len(index)))
    date_codes, date_labels = _labels(_iso(_september_first(spells.last[index]) + day))
    graduates = {
        "academic_year": _text(spells.last[index] - first_label, year_labels),
        "student_key": _text(person, keys),
        "programme_code": _text(programme, programmes.code),
        "cycle": _text(programme, programmes.cycle),
        "graduation_date": _text(date_codes, date_labels),
        "nationality": _text(first[person], country_labels),
        "second_nationality": _text(second[person], country_labels),
        "prior_education_country": _text(prior[person], country_labels),
        "gender": _text(gender[person], GENDER_LABELS),
        "credit_mobile": _text(np.full(len(index), -1), []),
    }
    paths.append(_write_parquet(output / "graduates.parquet", graduates))

    member, year = _explode(staff.start, staff.end - staff.start + 1)
    names = list(STAFF_CATEGORIES)
    staff_type = [STAFF_CATEGORIES[name][0] for name in names]
    category = staff.category[member]
    fte_codes, fte_labels = _labels(np.char.mod("%.1f", staff.fte).astype(object))
    staff_columns = {
        "reference_year": _text(year - first_label, [str(y) for y in ACADEMIC_YEAR_LABELS]),
        "staff_key": _text(member, staff_keys),
        "faculty": _text(*_labels(staff.unit[member])),
        "category": _text(category, names),
        "staff_type": _text(category, staff_type),
        "nationality": _text(staff_first[member], country_labels),
        "second_nationality": _text(staff_second[member], country_labels),
        "gender": _text(staff.gender[member], GENDER_LABELS),
        "fte": _text(fte_codes[member], fte_labels),
    }
    paths.append(_write_parquet(output / "staff.parquet", staff_columns))

    paths.append(_write_parquet(output / "mobility.parquet", _mobility_columns(mobility, partners)))
    return paths


def _write_csv(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def _mobility_columns(mobility: _Mobility, partners: _Partners) -> dict[str, np.ndarray]:
    columns = {
        name: np.concatenate([part[name] for part in mobility.parts]) for name in mobility.parts[0]
    }
    start = columns["start_date"].astype("datetime64[D]")
    order = np.lexsort(
        (
            columns["person_key"].astype(str),
            start,
            columns["participant"].astype(str),
            columns["direction"].astype(str),
            columns["academic_year"],
        )
    )
    columns = {name: values[order] for name, values in columns.items()}
    partner = columns.pop("partner").astype(np.int64)
    codes = np.append(partners.frame["code"].to_numpy(dtype=object), None)
    names = np.append(partners.frame["name"].to_numpy(dtype=object), None)
    size = len(partner)
    return {
        "mobility_id": np.char.add("M", np.char.zfill(np.arange(1, size + 1).astype(str), 8)),
        "participant": columns["participant"],
        "direction": columns["direction"],
        "person_key": columns["person_key"],
        "academic_year": np.vectorize(ACADEMIC_YEAR_LABELS.get, otypes=[object])(
            columns["academic_year"]
        ),
        "cycle": columns["cycle"],
        "programme_code": columns["programme_code"],
        "faculty": columns["faculty"],
        "activity": columns["activity"],
        "funding": columns["funding"],
        "partner_erasmus_code": codes[partner],
        "partner_name": names[partner],
        "partner_country": columns["partner_country"],
        "start_date": _iso(columns["start_date"]),
        "end_date": _iso(columns["end_date"]),
        "ects_earned": _number_text(columns["ects_earned"]),
        "ects_recognised": _number_text(columns["ects_recognised"]),
        "fewer_opportunities": columns["fewer_opportunities"],
    }
