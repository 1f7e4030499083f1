"""Derive the example data set in examples/ from the SSC annual report 2012 (see README.md).

Run from the repository root: python3 examples/derive.py. Deterministic (fixed seed, integer
arithmetic); rewrites agencies.toml, volumes/ and passthrough/, then checks them against the report.
"""
import csv
import random
import tomllib
from calendar import monthrange
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

OUT = Path(__file__).resolve().parent
SEED = 2012
MONTHS = ["2012-06", "2012-07", "2012-08", "2012-09", "2012-10", "2012-11", "2012-12"]
AREA = {"P": "payroll", "E": "eprocurement", "F": "finance"}

# Report, "Anslutningsplan", Utfall 2012: employees per area (December) and in total.
EMPLOYEES = {"payroll": 35937, "eprocurement": 33116, "finance": 29219}
EMPLOYEES_ALL = 36309
AGREEMENTS = {"payroll": 87, "eprocurement": 75, "finance": 50}

# Report, monthly volume tables June..December (EPR-ADD-SCAN: only the total
# 2,178 is in the report; the monthly split is invented).
MONTHLY = {
    "PAY-SLIP-DEV": [15813, 15761, 15947, 16029, 22269, 21860, 25263],
    "PAY-SLIP-ATT": [13491, 13409, 13469, 13472, 13383, 13395, 13486],
    "PAY-SLIP-247": [1108, 1178, 1166, 1168, 1146, 1128, 1117],
    "PAY-EXPENSE": [11819, 8896, 3087, 8578, 12236, 13618, 17164],
    "PAY-DEC-NEW": [83, 0, 70, 22, 40, 81, 71],
    "PAY-DEC-CHANGE": [65, 0, 35, 43, 25, 32, 86],
    "PAY-TIME": [15163, 15052, 15137, 15526, 15070, 15066, 15123],
    "PAY-PENSION": [94, 73, 70, 56, 223, 53, 86],
    "PAY-ADD-DEDUCT": [38, 46, 38, 81, 82, 81, 47],
    "PAY-ADD-MANPAY": [6, 4, 46, 39, 34, 30, 33],
    "PAY-ADD-MANEXP": [3774, 3231, 2049, 4128, 4083, 4894, 8482],
    "FIN-CUSTINV": [759, 912, 553, 2157, 4538, 7425, 2737],
    "FIN-ASSET": [75628, 75667, 75478, 71961, 73463, 72664, 76667],
    "EPR-INV-CODED": [17721, 10606, 9690, 20114, 22805, 20300, 21145],
    "EPR-INV-UNCODED": [0, 0, 0, 0, 385, 432, 13716],
    "EPR-ADD-SCAN": [412, 236, 198, 344, 361, 318, 309],
}
# Report, tables of total volumes June-December (FIN-ASSET: the December stock).
REPORT_TOTALS = {
    "PAY-SLIP-DEV": 132942, "PAY-SLIP-ATT": 94105, "PAY-SLIP-247": 8011, "PAY-EXPENSE": 75398,
    "PAY-DEC-NEW": 367, "PAY-DEC-CHANGE": 286, "PAY-TIME": 106137, "PAY-PENSION": 655, "PAY-ADD-DEDUCT": 413,
    "PAY-ADD-MANPAY": 192, "PAY-ADD-MANEXP": 30641, "FIN-CUSTINV": 19081, "EPR-INV-CODED": 122381,
    "EPR-INV-UNCODED": 14533, "EPR-ADD-SCAN": 2178}

# The customer list ("Kundanslutning"): key, name, areas bought, employees in
# December 2012 (invented), group: "ssc" = customer from 1 June 2012,
# "kk" = taken over from Kammarkollegiet 1 October 2012.
AGENCIES = [
    ("ARN", "Allmänna reklamationsnämnden", "PEF", 52, "kk"),
    ("AD", "Arbetsdomstolen", "PE", 27, "kk"),
    ("AGV", "Arbetsgivarverket", "PEF", 67, "ssc"),
    ("ARKM", "Arkitekturmuseet", "PE", 61, "kk"),
    ("BO", "Barnombudsmannen", "PEF", 26, "kk"),
    ("BRA", "Brottsförebyggande rådet", "P", 118, "kk"),
    ("BROM", "Brottsoffermyndigheten", "PE", 58, "kk"),
    ("CEPN", "Centrala etikprövningsnämnden", "PE", 4, "kk"),
    ("DOCH", "Dans- och cirkushögskolan", "PEF", 131, "kk"),
    ("DI", "Datainspektionen", "E", 44, "kk"),
    ("DO", "Diskrimineringsombudsmannen", "PE", 108, "kk"),
    ("DOMN", "Domarnämnden", "PEF", 4, "kk"),
    ("ELSAK", "Elsäkerhetsverket", "E", 47, "kk"),
    ("EI", "Energimarknadsinspektionen", "PEF", 124, "ssc"),
    ("ESF", "ESF-rådet", "P", 112, "kk"),
    ("EKN", "Exportkreditnämnden", "P", 98, "kk"),
    ("FAS", "Forskningsrådet för arbetsliv och socialvetenskap", "E", 31, "ssc"),
    ("FMN", "Fastighetsmäklarnämnden", "PEF", 14, "kk"),
    ("FPR", "Finanspolitiska rådet", "PEF", 7, "kk"),
    ("FBA", "Folke Bernadotteakademin", "PEF", 188, "kk"),
    ("FLH", "Forum för levande historia", "PEF", 49, "kk"),
    ("FEM", "Försvarsexportmyndigheten", "PEF", 9, "kk"),
    ("FUD", "Försvarsunderrättelsedomstolen", "PEF", 3, "kk"),
    ("FK", "Försäkringskassan", "PEF", 13274, "ssc"),
    ("GTN", "Gentekniknämnden", "PEF", 3, "kk"),
    ("IAF", "Inspektionen för arbetslöshetsförsäkringen", "PE", 71, "kk"),
    ("ISF", "Inspektionen för socialförsäkringen", "PEF", 91, "ssc"),
    ("ISP", "Inspektionen för strategiska produkter", "E", 29, "kk"),
    ("IFAU", "Institutet för arbetsmarknadspolitisk utvärdering", "PE", 37, "kk"),
    ("ISOF", "Institutet för språk och folkminnen", "PE", 92, "kk"),
    ("IPK", "Internationella programkontoret", "P", 86, "kk"),
    ("JK", "Justitiekanslern", "PEF", 58, "kk"),
    ("KAMK", "Kammarkollegiet", "P", 298, "kk"),
    ("KEMI", "Kemikalieinspektionen", "P", 270, "kk"),
    ("KOMK", "Kommerskollegium", "PE", 93, "kk"),
    ("KRUS", "Kompetensrådet för utveckling i staten", "PEF", 16, "kk"),
    ("KONSTA", "Konstakademin", "F", 19, "ssc"),
    ("KI", "Konjunkturinstitutet", "E", 49, "kk"),
    ("KN", "Konstnärsnämnden", "PF", 24, "kk"),
    ("KOV", "Konsumentverket", "P", 148, "ssc"),
    ("KFM", "Kronofogdemyndigheten", "PEF", 2187, "ssc"),
    ("KSLA", "Kungliga Skogs- och Lantbruksakademien", "F", 21, "ssc"),
    ("LM", "Lantmäteriet", "PE", 2283, "ssc"),
    ("LRK", "Livrustkammaren", "PE", 118, "kk"),
    ("MD", "Marknadsdomstolen", "PEF", 5, "kk"),
    ("MI", "Medlingsinstitutet", "PEF", 11, "kk"),
    ("HANDI", "Myndigheten för handikappolitisk samordning", "PEF", 45, "kk"),
    ("MIA", "Myndigheten för internationella adoptionsfrågor", "PE", 21, "kk"),
    ("KULTA", "Myndigheten för kulturanalys", "PEF", 12, "kk"),
    ("MRTV", "Myndigheten för radio och tv", "PEF", 40, "kk"),
    ("ISA", "Myndigheten för utländska investeringar i Sverige", "PEF", 64, "kk"),
    ("VARDA", "Myndigheten för vårdanalys", "PEF", 38, "kk"),
    ("MYH", "Myndigheten för yrkeshögskolan", "PE", 88, "kk"),
    ("NVC", "Nordens välfärdscenter", "F", 17, "ssc"),
    ("NAI", "Nordiska Afrikainstitutet", "PEF", 52, "kk"),
    ("NGR", "Nordiskt Genresurscenter", "F", 16, "ssc"),
    ("SST", "Nämnden för statligt stöd till trossamfund", "PEF", 8, "kk"),
    ("PBR", "Patentbesvärsrätten", "E", 14, "kk"),
    ("PM", "Pensionsmyndigheten", "PEF", 1243, "ssc"),
    ("POLAR", "Polarforskningssekretariatet", "PEF", 31, "kk"),
    ("PSN", "Presstödsnämnden", "PEF", 4, "kk"),
    ("EPNG", "Regionala etikprövningsnämnden i Göteborg", "PE", 6, "kk"),
    ("EPNLI", "Regionala etikprövningsnämnden i Linköping", "PE", 4, "kk"),
    ("EPNLU", "Regionala etikprövningsnämnden i Lund", "PE", 7, "kk"),
    ("EPNS", "Regionala etikprövningsnämnden i Stockholm", "PE", 9, "kk"),
    ("EPNUM", "Regionala etikprövningsnämnden i Umeå", "PE", 4, "kk"),
    ("EPNUP", "Regionala etikprövningsnämnden i Uppsala", "PE", 5, "kk"),
    ("REKR", "Rekryteringsmyndigheten", "P", 231, "kk"),
    ("RN", "Revisorsnämnden", "PEF", 27, "kk"),
    ("RS", "Rymdstyrelsen", "E", 32, "ssc"),
    ("SADEV", "Sadev", "PEF", 26, "ssc"),
    ("SAMS", "Sameskolstyrelsen", "P", 84, "kk"),
    ("SAMT", "Sametinget", "PF", 51, "kk"),
    ("SKV", "Skatteverket", "PEF", 10412, "ssc"),
    ("SFHM", "Statens försvarshistoriska museer", "P", 157, "kk"),
    ("SHK", "Statens haverikommission", "PEF", 41, "kk"),
    ("SHM", "Statens historiska museer", "P", 297, "kk"),
    ("SIUN", "Statens inspektion för försvarsunderrättelseverksamheten", "E", 7, "kk"),
    ("SJ", "Statens järnvägar", "PF", 6, "ssc"),
    ("SKR", "Statens konstråd", "PE", 18, "kk"),
    ("SMR", "Statens medieråd", "PEF", 15, "kk"),
    ("MUS", "Statens musikverk", "PE", 162, "kk"),
    ("SSC", "Statens servicecenter", "PEF", 228, "ssc"),
    ("SKOL", "Statens skolinspektion", "PE", 468, "ssc"),
    ("VAN", "Statens va-nämnd", "PEF", 7, "kk"),
    ("STK", "Statskontoret", "PEF", 103, "ssc"),
    ("SWEDAC", "Styrelsen för teknisk ackreditering", "P", 106, "kk"),
    ("SI", "Svenska institutet", "P", 143, "kk"),
    ("SIEPS", "Svenska institutet för europapolitiska studier", "PEF", 21, "kk"),
    ("SIN", "Säkerhets- och integritetsskyddsnämnden", "PE", 8, "kk"),
    ("TPB", "Talboks- och punktskriftsbiblioteket", "P", 92, "kk"),
    ("TLV", "Tandvårds- och läkemedelsförmånsverket", "PEF", 252, "ssc"),
    ("TEK", "Tekniska museet", "P", 96, "kk"),
    ("TVV", "Tillväxtverket", "P", 459, "kk"),
    ("TRAF", "Trafikanalys", "PEF", 41, "kk"),
    ("UNGS", "Ungdomsstyrelsen", "E", 46, "kk"),
    ("UMC", "Uppsala Monitoring Center", "P", 81, "kk"),
    ("VAL", "Valmyndigheten", "PEF", 19, "kk"),
    ("VHS", "Verket för högskoleservice", "P", 163, "kk"),
    ("ONS", "Överklagandenämnden för studiestöd", "PEF", 17, "kk"),
]
SIZE_STEPS = {  # agencies whose size changes; the last step is the table's December size
    "SSC": [(date(2012, 6, 1), 130), (date(2012, 10, 1), 184), (date(2012, 12, 1), 228)],  # report: staff
    "FK": [(date(2012, 6, 1), 13290), (date(2012, 12, 1), 13274)],  # 16 staff moved to SSC 1 Dec
    "KAMK": [(date(2012, 6, 1), 344), (date(2012, 10, 1), 298)],    # 46 staff moved to SSC 1 Oct
    "SKV": [(date(2012, 6, 1), 10455), (date(2012, 9, 1), 10412)],
    "SJ": [(date(2012, 6, 1), 11), (date(2012, 10, 1), 6)]}
START, KK_START = date(2012, 6, 1), date(2012, 10, 1)
CONNECTED_ON = {  # (key, area letter) -> date, overriding the group's date
    ("SKOL", "P"): date(2012, 8, 20), ("KOV", "P"): date(2012, 11, 15),
    ("TLV", "E"): date(2012, 9, 10), ("STK", "F"): date(2012, 9, 1), ("AGV", "F"): date(2012, 11, 1),
    ("FK", "E"): date(2012, 12, 1), ("PM", "E"): date(2012, 12, 1),
}
ENDS_ON = {("SJ", "P"): date(2012, 12, 20)}          # liquidation agency: last staff leave
OLD_AGREEMENT = ["GTN", "FMN", "EPNUM"]              # keep Kammarkollegiet's prices until transformed
TRANSFORMED_ON = date(2013, 7, 1)
SERVICES = {("FK", "E"): ["EPR-INV-UNCODED", "EPR-ORDER"], ("PM", "E"): ["EPR-INV-UNCODED", "EPR-ORDER"],
            ("KFM", "E"): ["EPR-INV-CODED", "EPR-ORDER"], ("KOMK", "E"): ["EPR-INV-CODED", "EPR-ORDER"]}
AGREED_PRICES = {("SKV", "P"): {"PAY-ADD-MANEXP": "30.00"}, ("FK", "P"): {"PAY-ADD-DEDUCT": "8.00"}}
YEAR_END = date(2012, 12, 31)
SUBSCRIPTIONS = {  # (key, area letter) -> [(service, from, to)]
    ("SKV", "F"): [("FIN-ADD-ACCESS", START, YEAR_END), ("FIN-ADD-SYSADM", date(2012, 9, 1), YEAR_END)],
    ("STK", "F"): [("FIN-ADD-ACCESS", date(2012, 10, 15), YEAR_END)],
    ("LM", "E"): [("EPR-ADD-CHART", START, YEAR_END)], ("SSC", "E"): [("EPR-ADD-REMIND", START, YEAR_END)],
    ("SKV", "E"): [("EPR-ADD-AGEING", date(2012, 11, 1), YEAR_END)],
}
CONNECTION_ITEMS = {("KOV", "P"): [("Integration mot tidrapporteringssystem", "45000.00", date(2012, 11, 15))]}
DISCOUNTS = {
    "KFM": dict(percent="20", parts=["base_fixed", "base_variable"], area="finance", frm="2012-06",
                to="2012-12", reason="Myndigheten tillhandahåller eget systemstöd"),
    "SKOL": dict(percent="10", parts=["base_fixed", "base_variable", "transaction"], area="payroll",
                 frm="2012-08", to="2012-12", reason="Myndigheten tillhandahåller eget lönesystem"),
}

# Who uses what. Payslip variants in percent of employees (default: all DEV).
VARIANTS = {"FK": {"ATT": 92, "247": 8}, "PM": {"DEV": 45, "ATT": 55}, "SKV": {"DEV": 90, "ATT": 10},
            "KFM": {"DEV": 85, "247": 15}, "STK": {"DEV": 50, "ATT": 50}}
# Fee-paid board members ("ledamöter") get payslips too (DEV).
BOARD_MEMBERS = {k: 40 for k in ["EPNG", "EPNLI", "EPNLU", "EPNS", "EPNUM", "EPNUP", "CEPN"]}
BOARD_MEMBERS.update({k: 15 for k in ["DOMN", "GTN", "PSN", "FMN", "RN", "ONS", "VAN", "SST", "ARN", "MD", "FUD"]})
DECISIONS = ["KFM", "LM", "PM", "TVV", "SKOL", "AGV", "STK", "TLV", "BRA", "DO", "MYH", "SI", "VHS", "KAMK"]
SIZE_USERS = {  # services given to a subset of the area's agencies, weight = size
    "PAY-DEC-NEW": DECISIONS, "PAY-DEC-CHANGE": DECISIONS,
    "PAY-ADD-DEDUCT": ["FK", "SKV", "KFM", "PM", "DO", "SI", "ISOF"],
    "PAY-ADD-MANPAY": ["SKV", "LM", "REKR", "SHM", "KAMK", "MUS", "DOCH"],
    "PAY-ADD-MANEXP": ["SKV", "KFM", "LM", "PM", "SKOL", "KAMK", "DO", "SI", "FBA", "VHS"],
}
FIXED_USERS = {  # weight = expected monthly volume; a list of (from month, weight) steps it over time
    "FIN-CUSTINV": {"SKV": 150, "FK": 120, "KFM": [("2012-06", 60), ("2012-09", 3000)], "PM": 50,
                    "SSC": [("2012-06", 120), ("2012-10", 400)], "TLV": 20, "EI": 15, "STK": 8,
                    "FMN": 40, "RN": 30, "SAMT": 20, "DOCH": 25, "NAI": 10, "FBA": 10, "ARN": 5},
    "EPR-INV-CODED": {"SKV": 9000, "LM": 3500, "KFM": 2500, "SSC": 600, "TLV": 300,
                      "FBA": 150, "MUS": 180, "KOMK": 120, "LRK": 160},
    "EPR-INV-UNCODED": {"FBA": 130, "MUS": 140, "LRK": 120, "FK": 11000, "PM": 2300},
    "EPR-ADD-SCAN": {"SKV": 200, "LM": 120, "SSC": 30, "TLV": 12, "FBA": 10, "MUS": 12, "LRK": 8},
}
SPECIAL = [  # (month, key, service, hours): invented, not in the report's tables
    ("2012-11", "STK", "PAY-SPEC-STATS", "12.50"), ("2012-12", "KULTA", "FIN-SPEC-CLOSING", "40.00"),
    ("2012-10", "SKOL", "EPR-SPEC-ANALYSIS", "36.00"), ("2012-11", "SKOL", "EPR-SPEC-ANALYSIS", "24.00"),
]
PASSTHROUGH = [  # (key, area, description, amount, vat_rate, supplier, reference, VATEX code, exemption reason)
    ("TVV", "payroll", "Systemtjänst Palasso december", "31876.25", "25", "Skatteverket", "SKV-VF-2012-1201", "", ""),
    ("KEMI", "payroll", "Systemtjänst Palasso december", "18432.50", "25", "Skatteverket", "SKV-VF-2012-1202", "", ""),
    ("REKR", "payroll", "Systemtjänst Palasso december", "17904.00", "25", "Skatteverket", "SKV-VF-2012-1203", "", ""),
    ("KFM", "finance", "Licens ekonomisystem december", "42150.00", "", "", "", "", ""),
    ("DOCH", "payroll", "Porto lönespecifikationer december", "1284.60", "0", "PostNord", "", "VATEX-EU-132-1A",
     "Undantaget från skatteplikt: posttjänster (vidarefakturerat porto)"),
]
# Postal addresses: invented, Stockholm streets and box addresses (the centre
# itself at its own address in Gävle). Drawn from a generator of their own, so
# the other tables keep the numbers they had before addresses were added.
ADDRESS_SEED = 2013
STREETS = ["Drottninggatan", "Sveavägen", "Kungsgatan", "Hamngatan", "Birger Jarlsgatan", "Fleminggatan",
           "Hantverkargatan", "Tegnérgatan", "Karlavägen", "Valhallavägen", "Hornsgatan", "Götgatan",
           "Sankt Eriksgatan", "Vasagatan", "Regeringsgatan", "Norra Stationsgatan", "Torsgatan",
           "Kungsholmsgatan", "Ringvägen", "Östermalmsgatan"]
OWN_ADDRESS = {"SSC": ("Box 1124", "", "801 35", "Gävle")}
SUPPLIER_INVOICES = [  # period, supplier, reference, area, description, amount, key, vat_rate
    ("2012-12", "Försäkringskassan", "FK-2012-88231", "payroll", "Systemtjänst POL december", "2487312.50",
     "employees", "25"),
    ("2012-12", "Skatteverket", "SKV-2012-12-0311", "eprocurement", "Systemtjänst fakturaplattform december",
     "186420.00", "service:EPR-INV-CODED", "25")]


def luhn_digit(nine):
    products = [int(ch) * (2 - i % 2) for i, ch in enumerate(nine)]
    return -sum(p // 10 + p % 10 for p in products) % 10


def month_bounds(m):
    y, mo = int(m[:4]), int(m[5:])
    return date(y, mo, 1), date(y, mo, monthrange(y, mo)[1])


def active(agreement, m):
    first, last = month_bounds(m)
    return agreement["connected_on"] <= last and (agreement.get("ends_on") or date.max) >= first


def size_on(sizes, day):
    return [employees for frm, employees in sizes if frm <= day][-1]


def build():
    rng = random.Random(SEED)
    suffixes = rng.sample(range(20000, 100000), len(AGENCIES))   # 2021NN-NNNC: third digit 2
    agencies = {}
    for i, (key, name, areas, dec_size, group) in enumerate(AGENCIES):
        nine = f"2021{suffixes[i]:05d}"
        sizes = SIZE_STEPS.get(key, [(START, dec_size)])
        assert sizes[-1][1] == dec_size, key
        agreements = {x: dict(area=AREA[x], ends_on=ENDS_ON.get((key, x)),
                              connected_on=CONNECTED_ON.get((key, x), KK_START if group == "kk" else START),
                              buyer_reference=f"SSC-{i + 1:04d}" if rng.random() < 0.6
                              else f"KST {rng.randint(1000, 9899)}") for x in areas}
        agencies[key] = dict(key=key, name=name, orgno=f"{nine[:6]}-{nine[6:]}{luhn_digit(nine)}",
                             sizes=sizes, agreements=agreements, group=group, index=i)
    return agencies


def addresses(agencies):
    """{key: (street, second line, postcode, city)}: every third agency a box
    address (postcodes 101-105), the others a street in central Stockholm
    (111-118); a few with a second line for the unit that handles invoices."""
    rng = random.Random(ADDRESS_SEED)
    result = {}
    for key in agencies:
        if rng.random() < 0.34:
            street, code = f"Box {rng.randint(1000, 27999)}", f"10{rng.randint(1, 5)} {rng.randint(10, 99)}"
        else:
            street = f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
            code = f"11{rng.randint(1, 8)} {rng.randint(20, 99)}"
        second = "Ekonomienheten" if rng.random() < 0.15 else ""
        result[key] = OWN_ADDRESS.get(key, (street, second, code, "Stockholm"))
    return result


def weight(agency, service, m):
    key, size = agency["key"], size_on(agency["sizes"], month_bounds(m)[0])
    if service.startswith("PAY-SLIP-"):     # payslips ~ employees on that variant (+ board members)
        extra = 100 * BOARD_MEMBERS.get(key, 0) if service == "PAY-SLIP-DEV" else 0
        return size * VARIANTS.get(key, {"DEV": 100}).get(service[9:], 0) + extra
    if service == "PAY-TIME":               # time reports come with attendance reporting
        return size * VARIANTS.get(key, {}).get("ATT", 0)
    if service in ("PAY-EXPENSE", "PAY-PENSION"):
        return size
    if service == "FIN-ASSET":              # small (KK) agencies own fewer assets per head, the smallest none
        return 0 if size < 10 else size * (1 if agency["group"] == "kk" else 2)
    if service in SIZE_USERS:
        return size if key in SIZE_USERS[service] else 0
    spec = FIXED_USERS[service].get(key, 0)
    return [w for frm, w in spec if frm <= m][-1] if isinstance(spec, list) else spec


def largest_remainder(total, weights):
    """weights: [(index, weight)] -> {index: share}; integer shares that add up to total exactly."""
    wsum = sum(w for _, w in weights)
    shares = {i: total * w // wsum for i, w in weights}
    by_remainder = sorted(weights, key=lambda iw: (-(total * iw[1] % wsum), iw[0]))
    for i, _ in by_remainder[:total - sum(shares.values())]:
        shares[i] += 1
    return shares


def volumes(agencies):
    """{month: [(agency index, service, quantity)]}: each month's report total split by weight."""
    rows = defaultdict(list)
    for mi, m in enumerate(MONTHS):
        for service, totals in MONTHLY.items():
            x = {"PAY": "P", "FIN": "F", "EPR": "E"}[service[:3]]
            ws = [(a["index"], weight(a, service, m)) for a in agencies.values()
                  if x in a["agreements"] and active(a["agreements"][x], m)
                  and service in SERVICES.get((a["key"], x), [service])]
            if totals[mi]:
                shares = largest_remainder(totals[mi], [(i, w) for i, w in ws if w > 0])
                rows[m] += [(i, service, str(q)) for i, q in shares.items() if q]
        rows[m] += [(agencies[k]["index"], service, hours) for sm, k, service, hours in SPECIAL if sm == m]
    return rows


def write_agencies(agencies):
    out = ["# Customer agencies of Statens servicecenter 2012, from the customer list in the annual",
           "# report 2012 (chapter \"Kundanslutning\"). GENERATED by examples/derive.py - do not edit.",
           "# Organisation numbers are SYNTHETIC (valid Luhn check digit, not the agencies' real ones);",
           "# sizes are invented so that the sums per area match the report's employee counts;",
           "# postal addresses are EXAMPLES (invented Stockholm addresses), not the agencies' own.", ""]
    inline = lambda items: "[ " + ", ".join(items) + " ]"
    postal = addresses(agencies)
    for a in agencies.values():
        sizes = inline(f"{{ from = {f}, employees = {e} }}" for f, e in a["sizes"])
        street, second, code, city = postal[a["key"]]
        address = [f'street = "{street}"'] + ([f'additional_street = "{second}"'] if second else []) \
            + [f'postal_code = "{code}"', f'city = "{city}"']
        out += ["[[agencies]]", f'organisation_number = "{a["orgno"]}"', f'name = "{a["name"]}"',
                "address = { " + ", ".join(address) + " }", f"sizes = {sizes}", ""]
        for x, ag in a["agreements"].items():
            ak = (a["key"], x)
            out += ["  [[agencies.agreements]]", f'  area = "{ag["area"]}"', f"  connected_on = {ag['connected_on']}"]
            out += [f"  ends_on = {ag['ends_on']}"] if ag["ends_on"] else []
            out += [f'  buyer_reference = "{ag["buyer_reference"]}"']
            if ag["connected_on"] in (START, KK_START):
                # Taken over by government decision (at the start, or from KK), not joining.
                out += ["  connection_fee = false"]
            if a["key"] in OLD_AGREEMENT:
                out += ['  price_series = "kammarkollegiet"', f"  transformed_on = {TRANSFORMED_ON}"]
            if ak in SERVICES:
                out += ["  services = " + inline(f'"{c}"' for c in SERVICES[ak]).replace("[ ", "[").replace(" ]", "]")]
            if ak in AGREED_PRICES:
                out += ["  agreed_prices = { " + ", ".join(f'{c} = "{p}"' for c, p in AGREED_PRICES[ak].items()) + " }"]
            if ak in SUBSCRIPTIONS:
                out += ["  subscriptions = " + inline(f'{{ service = "{c}", from = {f}, to = {t} }}'
                                                      for c, f, t in SUBSCRIPTIONS[ak])]
            if ak in CONNECTION_ITEMS:
                out += ["  connection_items = " + inline(f'{{ description = "{d}", amount = "{amt}", on = {on} }}'
                                                         for d, amt, on in CONNECTION_ITEMS[ak])]
            out.append("")
        if a["key"] in DISCOUNTS:
            d = DISCOUNTS[a["key"]]
            parts = ", ".join(f'"{p}"' for p in d["parts"])
            out += ["  [[agencies.discounts]]", f'  percent = "{d["percent"]}"', f"  parts = [{parts}]",
                    f'  area = "{d["area"]}"', f'  from = "{d["frm"]}"', f'  to = "{d["to"]}"',
                    f'  reason = "{d["reason"]}"', ""]
    (OUT / "agencies.toml").write_text("\n".join(out), encoding="utf-8")


def write_csv(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header.split(","))
        w.writerows(rows)


def write_all(agencies, rows):
    by_index = {a["index"]: a for a in agencies.values()}
    order = {s: n for n, s in enumerate(MONTHLY)}
    source = {"PAY": "Palasso", "FIN": "Agresso", "EPR": "Proceedo"}
    for m in MONTHS:
        recs = sorted(rows[m], key=lambda r: (by_index[r[0]]["orgno"], order.get(r[1], 99), r[1]))
        write_csv(OUT / "volumes" / f"{m}.csv", "period,organisation_number,service,quantity,source,reference",
                  [(m, by_index[i]["orgno"], s, q, source[s[:3]], "") for i, s, q in recs])
    write_csv(OUT / "passthrough" / "amounts-2012-12.csv",
              "period,organisation_number,area,description,amount,vat_rate,supplier,reference,"
              "vat_exemption_code,vat_exemption_reason",
              [("2012-12", agencies[k]["orgno"], *rest) for k, *rest in PASSTHROUGH])
    write_csv(OUT / "passthrough" / "supplier-invoices-2012-12.csv",
              "period,supplier,reference,area,description,amount,key,vat_rate", SUPPLIER_INVOICES)


def check():
    """Re-read the written files and check them against the report and docs/formats.md."""
    cat = {s["code"]: s for s in tomllib.loads((OUT.parent / "tariffs/catalogue.toml").read_text())["services"]}
    data = tomllib.loads((OUT / "agencies.toml").read_text(encoding="utf-8"))["agencies"]
    orgnos = [a["organisation_number"] for a in data]
    assert len(data) == len(set(orgnos)) == 100
    for o in orgnos:
        d = o.replace("-", "")
        assert len(o) == 11 and o[6] == "-" and d.isdigit() and d[0] == "2" and d[2] >= "2", o
        assert luhn_digit(d[:9]) == int(d[9]), o
    counts, sums, union, agreements, dec1 = defaultdict(int), defaultdict(int), 0, {}, date(2012, 12, 1)
    for a in data:
        sizes = [(s["from"], s["employees"]) for s in a["sizes"]]
        union += size_on(sizes, dec1)
        postcode = a["address"]["postal_code"]    # NNN NN, as stdnum.se.postnummer formats it
        assert a["address"]["street"] and a["address"]["city"], a
        assert len(postcode) == 6 and postcode[3] == " " and postcode.replace(" ", "").isdigit(), a
        for ag in a["agreements"]:
            assert (a["organisation_number"], ag["area"]) not in agreements and ag["buyer_reference"]
            agreements[a["organisation_number"], ag["area"]] = ag
            assert size_on(sizes, ag["connected_on"]) > 0          # IndexError: no size in force yet
            listed = ag.get("services", [])
            for c in listed:
                assert cat[c]["area"] == ag["area"] and set(cat[c].get("requires_any", listed)) & set(listed)
            for c in ag.get("agreed_prices", {}):
                assert cat[c]["area"] == ag["area"] and cat[c]["tier"] == "additional"
            for sub in ag.get("subscriptions", []):
                c = cat[sub["service"]]
                assert c["charge"] == "subscription" and c["area"] == ag["area"]
                assert ag["connected_on"] <= sub["from"] <= sub["to"] and sub["service"] in (listed or cat)
            assert not ag.get("price_series") or ag["transformed_on"].day == 1
            if active(ag, "2012-12"):
                counts[ag["area"]] += 1
                sums[ag["area"]] += size_on(sizes, dec1)
    assert dict(counts) == AGREEMENTS and dict(sums) == EMPLOYEES and union == EMPLOYEES_ALL, (counts, sums)
    totals, stock, n = defaultdict(int), set(), 0
    for m in MONTHS:
        with open(OUT / "volumes" / f"{m}.csv", encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                n, svc, q = n + 1, cat[r["service"]], Decimal(r["quantity"])
                ag = agreements.get((r["organisation_number"], svc["area"]))
                assert r["period"] == m and ag and active(ag, m) and q > 0, r
                assert r["service"] in ag.get("services", [r["service"]]), r
                if svc["charge"] == "hourly":
                    assert q.as_tuple().exponent >= -2, r
                    continue
                assert r["quantity"].isdigit(), r                    # whole numbers
                if svc.get("measure") == "stock":
                    assert (m, r["organisation_number"], r["service"]) not in stock, r
                    stock.add((m, r["organisation_number"], r["service"]))
                totals[m, r["service"]] += int(q)
    for service, monthly in MONTHLY.items():
        assert [totals[m, service] for m in MONTHS] == monthly, service
        assert service not in REPORT_TOTALS or sum(monthly) == REPORT_TOTALS[service], service
    assert totals["2012-12", "FIN-ASSET"] == 76667
    with open(OUT / "passthrough/amounts-2012-12.csv", encoding="utf-8", newline="") as f:
        assert all(active(agreements[r["organisation_number"], r["area"]], r["period"]) for r in csv.DictReader(f))
    return n, counts, sums


def main():
    agencies = build()
    rows = volumes(agencies)
    write_agencies(agencies)
    write_all(agencies, rows)
    n, counts, sums = check()
    kk = {a["index"] for a in agencies.values() if a["group"] == "kk"}
    oct_kk = sum(int(q) for i, s, q in rows["2012-10"] if s == "PAY-SLIP-DEV" and i in kk)
    print(f"agencies: {len(agencies)} ({len(kk)} taken over from Kammarkollegiet 2012-10-01)")
    for area in AGREEMENTS:
        print(f"  {area:13s} agreements {counts[area]:3d}  employees Dec {sums[area]:6d}")
    print(f"volume records: {n} in {len(MONTHS)} files; all monthly totals equal the report's")
    print(f"October PAY-SLIP-DEV to KK agencies: {oct_kk} (report: 'drygt 6 000')")
    special = [("old agreement", k, "") for k in OLD_AGREEMENT] + [("discount", k, "") for k in DISCOUNTS]
    special += [(f"connected {d}", k, AREA[x]) for (k, x), d in sorted(CONNECTED_ON.items()) if d.day != 1]
    special += [(f"ends {d}", k, AREA[x]) for (k, x), d in ENDS_ON.items()]
    for what, k, area in special:
        print(f"  {what:21s} {agencies[k]['orgno']} {agencies[k]['name']} {area}".rstrip())


if __name__ == "__main__":
    main()
