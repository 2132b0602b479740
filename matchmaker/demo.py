"""Fictional demo data for `flask seed-demo`: companies of the Industriepark Schwarze Pumpe, their offers,
graduate profiles and one account each for staff, board, admin and a researcher; two years of
introductions between them (`demo_brokering.py`), the Präsenzstelle's events (`demo_events.py`), its
stories and news (`demo_stories.py`) and BTU's research units with their introductions (`demo_research.py`).

Everything here is invented and marked: `is_demo` on every row, company names start with "Demo: ",
company and event texts with "[Demo]", and every address is under demo.matchmaker.example (a reserved
domain). Seeding is idempotent: users are keyed by email, companies by name, offers by company and
title, profiles by their user, events by their German title; introductions are told once, when no demo
graduate has one yet. What is already there is left exactly as it is. One seeded generator per part
draws every value, new or not, so the data is the same on every run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app

from .catalog import BTU_PROGRAMMES
from .extensions import db
from .models import (Company, Degree, GraduateProfile, Membership, Offer, OfferKind, OfferStatus, Role, Sector,
                     SizeBand, User, utcnow)

# Public on purpose: printed by `make run` for the fictional demo accounts.
DEMO_PASSWORD = "demo-matchmaker-2026"  # nosec B105
DEMO_DOMAIN = "demo.matchmaker.example"
COMPANY_PREFIX = "Demo: "
ABOUT_PREFIX = "[Demo] "
GRADUATE_COUNT = 60
SEED = 2026

PARK = "Industriepark Schwarze Pumpe"


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"


# ---- companies ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CompanySpec:
    slug: str
    name: str
    sector: Sector
    size: SizeBand
    site: str
    about: str
    about_en: str
    verified: bool = True

    @property
    def full_name(self) -> str:
        return COMPANY_PREFIX + self.name

    @property
    def email(self) -> str:
        return demo_email(self.slug)


COMPANIES = (
    CompanySpec("wasserstoff", "Lausitzer Wasserstoff GmbH", Sector.hydrogen, SizeBand.medium, PARK,
                "Wir betreiben im Industriepark Schwarze Pumpe eine 50-MW-Elektrolyseanlage, die Windstrom aus der "
                "Lausitz in grünen Wasserstoff verwandelt, und beliefern Industrie und Verkehr in der Region.",
                "We run a 50 MW electrolysis plant in the Industriepark Schwarze Pumpe that turns wind power from "
                "Lusatia into green hydrogen for industry and transport in the region."),
    CompanySpec("spreekraft", "Spreekraft Energie AG", Sector.energy, SizeBand.large, PARK,
                "Unser Kraftwerksstandort wandelt sich vom Braunkohleblock zum flexiblen, wasserstofffähigen "
                "Gaskraftwerk mit Speicher. Rund 600 Beschäftigte betreiben, warten und planen Anlagen für die "
                "Versorgungssicherheit nach dem Kohleausstieg.",
                "Our power plant site is changing from lignite to a flexible, hydrogen-ready gas and storage "
                "plant. Around 600 people operate, maintain and plan the plants that keep the lights on after the "
                "coal exit."),
    CompanySpec("papier", "Pumpe Papier & Verpackung GmbH", Sector.paper_packaging, SizeBand.large, PARK,
                "Auf zwei Papiermaschinen erzeugen wir Wellpappenrohpapier aus 100 % Altpapier und verarbeiten es am "
                "Standort zu Verpackungen für Handel und Industrie.",
                "On two paper machines we make containerboard from 100 % recovered paper and convert it on site "
                "into packaging for retail and industry."),
    CompanySpec("spezialchemie", "Spremberger Spezialchemie GmbH", Sector.chemicals, SizeBand.medium, "Spremberg",
                "Wir stellen Additive und Spezialharze für die Kunststoff- und Bauindustrie her und entwickeln "
                "Verfahren, um fossile Rohstoffe durch biogene und recycelte zu ersetzen.",
                "We make additives and speciality resins for the plastics and construction industries and develop "
                "processes that replace fossil feedstocks with bio-based and recycled ones."),
    CompanySpec("kreislauf", "Kreislauf Lausitz Recycling GmbH", Sector.recycling, SizeBand.medium, "Spreetal",
                "Wir recyceln Lithium-Ionen-Batterien aus Elektrofahrzeugen und Speichern: Demontage, Entladung, "
                "mechanische Aufbereitung zur Schwarzmasse und Rückgewinnung von Lithium, Nickel und Kobalt.",
                "We recycle lithium-ion batteries from electric vehicles and storage systems: dismantling, "
                "discharging, mechanical processing into black mass and recovery of lithium, nickel and cobalt."),
    CompanySpec("anlagenbau", "Anlagenbau Schwarze Pumpe GmbH", Sector.plant_engineering, SizeBand.medium, PARK,
                "Wir planen, fertigen und montieren Rohrleitungen, Behälter und Apparate für Kraftwerke, Chemie- und "
                "Wasserstoffanlagen – von der Basisplanung bis zur Inbetriebnahme.",
                "We design, build and install piping, vessels and apparatus for power, chemical and hydrogen "
                "plants, from basic engineering to commissioning."),
    CompanySpec("automation", "Lausitz Automation & Elektro GmbH", Sector.automation, SizeBand.small, "Spremberg",
                "Wir automatisieren Produktionsanlagen im Industriepark: Schaltschrankbau, SPS-Programmierung mit "
                "Siemens S7 und TIA Portal, Prozessleittechnik und Inbetriebnahme vor Ort.",
                "We automate production plants in the industrial park: control cabinets, PLC programming with "
                "Siemens S7 and TIA Portal, process control systems and commissioning on site."),
    CompanySpec("parklogistik", "Parklogistik Spreetal GmbH", Sector.logistics, SizeBand.medium, "Spreetal",
                "Wir organisieren Werkverkehr, Lager und den Bahnanschluss des Industrieparks und bringen Rohstoffe, "
                "Papierrollen und Gefahrgut sicher an ihr Ziel.",
                "We run the industrial park's plant traffic, warehouses and rail siding and bring raw materials, "
                "paper reels and dangerous goods safely to where they belong."),
    CompanySpec("pumpe-digital", "Pumpe Digital IT-Services GmbH", Sector.it, SizeBand.small, "Spremberg",
                "Wir betreuen IT und OT der Unternehmen im Park: SAP-Einführung, Datenplattformen, Cloud-Betrieb und "
                "IT-Sicherheit für industrielle Netze.",
                "We look after the IT and OT of the companies in the park: SAP roll-outs, data platforms, cloud "
                "operations and security for industrial networks."),
    CompanySpec("metallbau", "Stahl- und Metallbau Spreetal GmbH", Sector.plant_engineering, SizeBand.small,
                "Spreetal",
                "Wir fertigen Stahlkonstruktionen, Bühnen und Förderanlagen für Industriekunden – geschweißt nach "
                "EN 1090 und ISO 3834.",
                "We build steel structures, platforms and conveyor systems for industrial customers, welded to "
                "EN 1090 and ISO 3834."),
    # Waiting for verification, so that the Präsenzstelle's queue has something in it.
    CompanySpec("energiespeicher", "Lausitzer Energiespeicher GmbH", Sector.energy, SizeBand.small, PARK,
                "Wir planen einen Großbatteriespeicher mit 200 MWh am ehemaligen Kraftwerksstandort und suchen "
                "Verstärkung für Planung und Netzanschluss.",
                "We are planning a 200 MWh battery storage plant on the former power plant site and need people "
                "for design and grid connection.", verified=False),
    CompanySpec("greensynth", "GreenSynth Methanol GmbH", Sector.chemicals, SizeBand.micro, PARK,
                "Ein junges Team, das aus grünem Wasserstoff und biogenem CO2 Methanol für Schifffahrt und Chemie "
                "herstellen will; die Pilotanlage ist in Planung.",
                "A young team that wants to make methanol for shipping and chemistry from green hydrogen and "
                "biogenic CO2; our pilot plant is being planned.", verified=False),
)


# ---- offers ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OfferSpec:
    company: str
    kind: OfferKind
    language: str
    title: str
    body: str
    required: tuple[str, ...]
    nice: tuple[str, ...]
    fields: tuple[str, ...]
    degree: Degree | None = None
    german: str | None = None
    duration: int | None = None
    remote: int = 0
    place: str = PARK
    status: OfferStatus = OfferStatus.published


J, I, T, W, TR, R = (OfferKind.job, OfferKind.internship, OfferKind.thesis, OfferKind.working_student,
                     OfferKind.trainee, OfferKind.research_project)
B, M, PHD = Degree.bachelor, Degree.master, Degree.phd

OFFERS = (
    # Lausitzer Wasserstoff
    OfferSpec("wasserstoff", J, "de", "Verfahrensingenieur Elektrolyse (m/w/d)",
              "Sie verantworten den sicheren und effizienten Betrieb unserer PEM-Elektrolyseure im Industriepark "
              "Schwarze Pumpe. Sie werten Betriebsdaten aus, optimieren Lastwechsel bei schwankendem "
              "Windstromangebot, planen Wartungen mit dem Schichtteam und begleiten den Ausbau auf 100 MW. Sie bringen "
              "ein Studium der Verfahrenstechnik, Wasserstofftechnik oder Energietechnik mit, kennen sich mit "
              "Elektrochemie und Anlagensicherheit aus und arbeiten gern zwischen Leitwarte und Anlage.",
              ("Elektrolyse", "Verfahrenstechnik", "Anlagensicherheit", "Wasserstoff"),
              ("PEM", "Python", "Explosionsschutz"),
              ("Verfahrenstechnik", "Wasserstofftechnik", "Energietechnik und Energiewirtschaft"),
              degree=M, german="C1", remote=10),
    OfferSpec("wasserstoff", T, "de", "Masterarbeit: Degradation von PEM-Elektrolysezellen im dynamischen Betrieb",
              "In Ihrer Masterarbeit untersuchen Sie, wie häufige Lastwechsel die Lebensdauer unserer PEM-Stacks "
              "beeinflussen. Sie werten Messdaten aus zwei Jahren Betrieb aus, entwickeln ein Degradationsmodell und "
              "leiten Empfehlungen für die Betriebsführung ab. Die Arbeit entsteht in Kooperation mit einem Lehrstuhl "
              "der BTU Cottbus-Senftenberg; im Unternehmen betreut Sie unser Engineering-Team.",
              ("Elektrochemie", "Datenanalyse", "Python"), ("Elektrolyse", "Modellierung"),
              ("Wasserstofftechnik", "Verfahrenstechnik", "Physik"),
              degree=B, german="B2", duration=6, remote=40),
    OfferSpec("wasserstoff", I, "en", "Internship: Hydrogen Safety and Permitting",
              "Join our HSE team for a three- to six-month internship. You will help update explosion protection "
              "documents and hazard analyses (HAZOP) for our electrolysis plant, prepare data for permit applications "
              "under German immission control law, and support safety walk-throughs with our operators. The team "
              "works in English; German is a plus but not required. Ideal for students of environmental or process "
              "engineering who want hands-on experience in the hydrogen economy.",
              ("hydrogen", "HAZOP", "process safety"), ("explosion protection", "permitting"),
              ("Environmental and Resource Management", "Verfahrenstechnik", "Wasserstofftechnik"),
              duration=4, remote=20),
    OfferSpec("wasserstoff", R, "de", "Forschungsfrage: Nutzung der Abwärme aus der Elektrolyse",
              "Unsere Elektrolyseure geben bei Volllast rund 10 MW Abwärme auf niedrigem Temperaturniveau ab. Wir "
              "suchen einen Lehrstuhl oder ein studentisches Team der BTU, das mit uns Konzepte zur Nutzung prüft: "
              "Einspeisung ins Fernwärmenetz Spremberg, Großwärmepumpen oder Trocknung im benachbarten Papierwerk. "
              "Wir stellen Betriebsdaten, Zugang zur Anlage und eine Finanzierung für ein Jahr bereit.",
              ("Wärmepumpe", "Fernwärme", "Energiesystemmodellierung"),
              ("Thermodynamik", "Wirtschaftlichkeitsrechnung"),
              ("Energietechnik und Energiewirtschaft", "Maschinenbau", "Umweltingenieurwesen"),
              german="B1", duration=12, remote=50),
    OfferSpec("wasserstoff", W, "de", "Werkstudent Datenanalyse Wasserstoffproduktion (m/w/d)",
              "Sie unterstützen unser Betriebsteam 15 bis 20 Stunden pro Woche bei der Auswertung von Prozessdaten: "
              "Sie bauen Dashboards für Wirkungsgrad und Stromverbrauch, bereinigen Zeitreihen aus dem "
              "Prozessleitsystem und automatisieren Berichte mit Python. Die Arbeitszeit richtet sich nach Ihrem "
              "Stundenplan, und vieles geht auch von Cottbus aus.",
              ("Python", "Datenanalyse", "Zeitreihen"), ("Pandas", "Power BI", "SQL"),
              ("Informatik", "Wirtschaftsinformatik", "Wasserstofftechnik"),
              german="B2", duration=12, remote=60, place="Industriepark Schwarze Pumpe / Cottbus"),
    # Spreekraft Energie
    OfferSpec("spreekraft", J, "de", "Ingenieur Kraftwerkstechnik – Gasturbinen (m/w/d)",
              "Für den Umbau unseres Standorts zum wasserstofffähigen Gaskraftwerk suchen wir Verstärkung im "
              "Engineering. Sie begleiten Planung und Inbetriebnahme von Gasturbinen und Abhitzekesseln, bewerten "
              "Angebote von Lieferanten, koordinieren Revisionen und sorgen dafür, dass die Anlage sicher und "
              "wirtschaftlich läuft. Erfahrung aus Praktika oder Abschlussarbeiten im Kraftwerk ist willkommen; "
              "Berufseinsteigerinnen und Berufseinsteiger arbeiten wir gründlich ein.",
              ("Kraftwerkstechnik", "Gasturbine", "Thermodynamik"), ("Wasserstoff", "Inbetriebnahme", "AutoCAD"),
              ("Kraftwerkstechnik", "Maschinenbau", "Energietechnik und Energiewirtschaft"),
              degree=M, german="C1", remote=10),
    OfferSpec("spreekraft", TR, "de", "Traineeprogramm Energiewende (m/w/d)",
              "In 18 Monaten lernen Sie unseren Standort von allen Seiten kennen: Betrieb und Instandhaltung, "
              "Energiehandel, Projektentwicklung für Speicher und Wasserstoff sowie die Zusammenarbeit mit Kommunen "
              "in der Region. In jeder Station übernehmen Sie ein eigenes Projekt, eine Mentorin oder ein Mentor "
              "begleitet Sie, und ein Einsatz führt Sie zu einem Partnerunternehmen im Industriepark. Danach "
              "übernehmen Sie eine feste Position in einem der Bereiche.",
              ("Energiewirtschaft", "Projektmanagement"), ("Energiehandel", "Wasserstoff", "Kommunikation"),
              ("Energietechnik und Energiewirtschaft", "Wirtschaftsingenieurwesen", "Power Engineering",
               "Betriebswirtschaftslehre"),
              degree=M, german="C1", duration=18, remote=20),
    OfferSpec("spreekraft", I, "de", "Praktikum Instandhaltung Kraftwerk (m/w/d)",
              "Während unserer Frühjahrsrevision erleben Sie Kraftwerkstechnik aus der Nähe: Sie begleiten "
              "Inspektionen an Pumpen, Armaturen und Kesseln, dokumentieren Befunde in SAP PM, unterstützen die "
              "Ersatzteilplanung und lernen die Arbeit mit Partnerfirmen auf einer Großbaustelle kennen. Das "
              "Praktikum eignet sich als Pflichtpraktikum im Bachelor Maschinenbau oder Kraftwerkstechnik.",
              ("Instandhaltung", "Maschinenbau"), ("SAP PM", "Pumpen", "Schweißtechnik"),
              ("Maschinenbau", "Kraftwerkstechnik"),
              german="B2", duration=3),
    OfferSpec("spreekraft", T, "en", "Master's thesis: Grid services from a hydrogen-ready gas power plant",
              "We are looking for a master's student to model which ancillary services – frequency containment "
              "reserve, redispatch, black start – our future hydrogen-ready gas turbine can offer to the grid, and "
              "what they are worth. You will build a techno-economic model in Python, use public market data and our "
              "plant parameters, and present your results to the management board. The thesis can be written "
              "entirely in English.",
              ("power systems", "Python", "energy markets"), ("optimisation", "Pyomo", "grid"),
              ("Power Engineering", "Energietechnik und Energiewirtschaft", "Wirtschaftsmathematik"),
              degree=B, duration=6, remote=60),
    # Pumpe Papier & Verpackung
    OfferSpec("papier", J, "de", "Produktionsingenieur Papiermaschine (m/w/d)",
              "Sie optimieren den Betrieb unserer Papiermaschine PM 2: Sie analysieren Qualitätsdaten wie "
              "Flächengewicht, Feuchte und Festigkeit, steuern Verbesserungsprojekte zu Energie- und "
              "Frischwasserverbrauch und unterstützen die Schichtleitung bei Sortenwechseln. Gemeinsam mit der "
              "Instandhaltung planen Sie Stillstände. Wir suchen Ingenieurinnen und Ingenieure der Verfahrenstechnik "
              "oder des Maschinenbaus, die Freude an großen, rund um die Uhr laufenden Anlagen haben.",
              ("Papiermaschine", "Verfahrenstechnik", "Qualitätssicherung"), ("Six Sigma", "Prozessleittechnik"),
              ("Verfahrenstechnik", "Maschinenbau", "Wirtschaftsingenieurwesen"),
              degree=B, german="B2"),
    OfferSpec("papier", W, "de", "Werkstudent Energiemanagement (m/w/d)",
              "Papier zu trocknen braucht viel Dampf. Als Werkstudentin oder Werkstudent im Energiemanagement erfassen "
              "Sie Verbräuche nach ISO 50001, werten Messstellen aus, rechnen Effizienzmaßnahmen durch und bereiten "
              "Kennzahlen für die Werkleitung auf. Sie arbeiten 16 bis 20 Stunden pro Woche, in den Semesterferien "
              "gern mehr, und lernen dabei die Energieversorgung eines großen Papierwerks kennen.",
              ("Energiemanagement", "Excel", "Datenanalyse"), ("ISO 50001", "Python", "Thermodynamik"),
              ("Energietechnik und Energiewirtschaft", "Wirtschaftsingenieurwesen", "Umweltingenieurwesen"),
              german="B2", duration=12, remote=30),
    OfferSpec("papier", T, "de", "Bachelorarbeit: Recyclingfähige Verpackungen aus Wellpappe",
              "Kunden fragen zunehmend nach Verpackungen ohne Kunststoffbeschichtung. In Ihrer Bachelorarbeit "
              "vergleichen Sie Barrierebeschichtungen auf Wasserbasis, prüfen Muster im Labor auf Feuchte- und "
              "Fettbeständigkeit und bewerten die Recyclingfähigkeit nach gängigen Prüfmethoden. Ein Arbeitsplatz im "
              "Labor und die Betreuung durch unsere Produktentwicklung sind vorhanden.",
              ("Werkstoffprüfung", "Laborarbeit", "Verpackung"), ("Kreislaufwirtschaft", "Chemie"),
              ("Verfahrenstechnik", "Umweltingenieurwesen", "Biotechnologie"),
              german="B2", duration=4),
    OfferSpec("papier", I, "en", "Internship: Predictive Maintenance on Paper Machines",
              "Our paper machines carry thousands of sensors. In this internship you will help our maintenance team "
              "detect bearing and felt wear before it stops production: collect vibration and temperature data, "
              "train anomaly detection models, and turn the results into alerts the shift teams trust. English is "
              "fine in the data team; the shop floor speaks German, and we help you with that.",
              ("machine learning", "Python", "predictive maintenance"), ("vibration analysis", "time series", "SQL"),
              ("Artificial Intelligence", "Informatik", "Mechatronik und Automatisierungstechnik"),
              duration=6, remote=40),
    # Spremberger Spezialchemie
    OfferSpec("spezialchemie", J, "de", "Chemieingenieur Prozessentwicklung (m/w/d)",
              "Sie entwickeln unsere Harzsynthesen vom Labormaßstab bis zur Produktion weiter: Sie planen Versuche im "
              "Technikum, skalieren Rezepturen, stellen Rohstoffe auf biobasierte und recycelte Quellen um und "
              "erstellen die Unterlagen für den Produktionsbetrieb. Dabei arbeiten Sie eng mit Qualitätssicherung, "
              "Arbeitssicherheit und unseren Kunden zusammen.",
              ("Verfahrenstechnik", "Scale-up", "Reaktionstechnik"), ("Polymerchemie", "Versuchsplanung", "REACH"),
              ("Verfahrenstechnik", "Biotechnologie"),
              degree=M, german="C1", remote=10, place="Spremberg"),
    OfferSpec("spezialchemie", I, "de", "Praktikum Arbeitssicherheit und Umweltschutz (m/w/d)",
              "Sie unterstützen unser HSE-Team bei Gefährdungsbeurteilungen, Gefahrstoffverzeichnissen und der "
              "Vorbereitung von Audits nach ISO 14001 und ISO 45001. Sie begleiten Begehungen in der Produktion und "
              "helfen, Abwasser- und Emissionsdaten für Behörden aufzubereiten. Das Praktikum dauert drei bis sechs "
              "Monate und lässt sich mit einer Abschlussarbeit verbinden.",
              ("Arbeitssicherheit", "Umweltschutz", "Gefahrstoffe"), ("ISO 14001", "Immissionsschutz"),
              ("Umweltingenieurwesen", "Environmental and Resource Management", "Verfahrenstechnik"),
              german="B2", duration=4, place="Spremberg"),
    OfferSpec("spezialchemie", R, "en", "Research question: Chemical recycling of mixed plastic waste into resin "
              "feedstock",
              "We want to know whether pyrolysis oil from mixed plastic waste can replace part of the fossil "
              "feedstock in our resin production. We invite a BTU chair or lab to characterise oils from two regional "
              "suppliers, test purification routes and assess the effect on product quality and on the carbon "
              "footprint. We provide samples, time in our pilot plant and funding for a doctoral or postdoctoral "
              "researcher for up to two years.",
              ("chemical recycling", "pyrolysis", "analytical chemistry"), ("life cycle assessment", "GC-MS"),
              ("Verfahrenstechnik", "Environmental and Resource Management", "Biotechnologie"),
              degree=PHD, duration=24, remote=30, place="Spremberg"),
    # Kreislauf Lausitz Recycling
    OfferSpec("kreislauf", J, "de", "Ingenieur Batterierecycling – Mechanische Aufbereitung (m/w/d)",
              "Sie betreuen unsere Linie zur Zerkleinerung und Sortierung von Lithium-Ionen-Batterien: Sie optimieren "
              "Schredder, Siebung und Magnetscheidung, erhöhen die Ausbeute an Schwarzmasse und sorgen mit dem Team "
              "für sicheres Arbeiten mit brandgefährlichen Zellen. Sie bringen ein Studium der Verfahrenstechnik, des "
              "Maschinenbaus oder des Umweltingenieurwesens mit und haben idealerweise schon mit Schüttgütern oder "
              "Recyclinganlagen gearbeitet.",
              ("Batterierecycling", "mechanische Verfahrenstechnik", "Anlagenbetrieb"),
              ("Brandschutz", "Schüttguttechnik", "Lithium-Ionen-Batterien"),
              ("Verfahrenstechnik", "Maschinenbau", "Umweltingenieurwesen"),
              degree=B, german="B2", place="Spreetal"),
    OfferSpec("kreislauf", T, "en", "Master's thesis: Hydrometallurgical recovery of lithium from black mass",
              "Help us close the loop for battery metals. You will run leaching and precipitation experiments on "
              "black mass from our plant, compare process routes to lithium carbonate and lithium hydroxide, and "
              "estimate yields and reagent costs. The thesis is co-supervised by a BTU chair; the lab work takes "
              "place in our pilot lab in Spreetal. You may write in English or German.",
              ("hydrometallurgy", "battery recycling", "lab work"), ("process simulation", "lithium"),
              ("Verfahrenstechnik", "Environmental and Resource Management", "Umweltingenieurwesen"),
              degree=B, duration=6, remote=10, place="Spreetal"),
    OfferSpec("kreislauf", W, "de", "Werkstudent Nachhaltigkeitsberichterstattung (m/w/d)",
              "Sie helfen uns, die Pflichten aus der EU-Batterieverordnung und der CSRD zu erfüllen: Sie sammeln "
              "Daten zu Energie, Wasser und Rezyklatquoten, erstellen CO2-Bilanzen, pflegen unser Reporting-Werkzeug "
              "und bereiten Kennzahlen für Kunden auf. Zehn bis zwanzig Stunden pro Woche, großteils mobil, mit "
              "einem Tag im Monat bei uns in Spreetal.",
              ("Nachhaltigkeit", "CO2-Bilanz", "Excel"), ("CSRD", "Ökobilanz"),
              ("Environmental and Resource Management", "Betriebswirtschaftslehre", "Umweltingenieurwesen",
               "Transformation Studies"),
              german="B2", duration=12, remote=70, place="Spreetal"),
    OfferSpec("kreislauf", I, "de", "Praktikum Qualitätslabor Recyclingrohstoffe (m/w/d)",
              "Im Labor bestimmen Sie die Zusammensetzung unserer Schwarzmasse und Metallfraktionen mit ICP-OES und "
              "Röntgenfluoreszenz, bereiten Proben vor, dokumentieren Ergebnisse im LIMS und helfen, neue "
              "Prüfmethoden einzuführen. Ideal für Studierende der Biotechnologie, Chemie oder Verfahrenstechnik, die "
              "gern genau und analytisch arbeiten.",
              ("Laborarbeit", "Analytik", "Probenvorbereitung"), ("ICP-OES", "LIMS"),
              ("Biotechnologie", "Verfahrenstechnik", "Umweltingenieurwesen"),
              german="B1", duration=3, place="Spreetal"),
    # Anlagenbau Schwarze Pumpe
    OfferSpec("anlagenbau", J, "de", "Konstrukteur Rohrleitungs- und Apparatebau (m/w/d)",
              "Sie konstruieren Rohrleitungen, Druckbehälter und Stahlbauteile für Projekte in Kraftwerken und "
              "Wasserstoffanlagen. Sie erstellen 3D-Modelle und Isometrien, legen Bauteile nach AD 2000 und EN 13480 "
              "aus und stimmen sich mit Fertigung und Montage ab. Berufseinsteigerinnen und Berufseinsteiger mit "
              "guten CAD-Kenntnissen sind herzlich willkommen.",
              ("CAD", "Rohrleitungsbau", "Konstruktion"),
              ("AutoCAD Plant 3D", "Festigkeitsberechnung", "Druckgeräterichtlinie"),
              ("Maschinenbau", "Wirtschaftsingenieurwesen"),
              degree=B, german="C1", remote=20),
    OfferSpec("anlagenbau", J, "de", "Projektingenieur Inbetriebnahme Wasserstoffanlagen (m/w/d)",
              "Sie begleiten unsere Projekte von der Montage bis zur Übergabe: Sie prüfen Anlagen auf "
              "Vollständigkeit, organisieren Druckproben und Funktionstests, arbeiten mit Automatisierern und "
              "Betreibern an der Inbetriebnahme und dokumentieren alles für die Abnahme. Reisebereitschaft innerhalb "
              "Deutschlands (etwa 30 %) bringen Sie mit.",
              ("Inbetriebnahme", "Anlagenbau", "Wasserstoff"), ("Projektmanagement", "SPS", "Druckprüfung"),
              ("Maschinenbau", "Verfahrenstechnik", "Mechatronik und Automatisierungstechnik"),
              degree=B, german="C1", status=OfferStatus.draft),
    OfferSpec("anlagenbau", TR, "de", "Trainee Projektmanagement Anlagenbau (m/w/d)",
              "In 24 Monaten durchlaufen Sie Vertrieb, Basic Engineering, Einkauf, Fertigung und Baustelle. Sie "
              "übernehmen früh Verantwortung für Teilprojekte, lernen Kalkulation und Claim-Management und besuchen "
              "Weiterbildungen zum Projektmanagement nach IPMA. Ziel ist die Rolle als Projektleiterin oder "
              "Projektleiter für mittelgroße Anlagenprojekte.",
              ("Projektmanagement", "Anlagenbau"), ("Kalkulation", "SAP", "Englisch"),
              ("Wirtschaftsingenieurwesen", "Maschinenbau", "Verfahrenstechnik"),
              degree=M, german="C1", duration=24, remote=10),
    OfferSpec("anlagenbau", I, "en", "Internship: Welding Engineering and Quality Control",
              "Spend three to six months in our workshop and quality department. You will help qualify welding "
              "procedures, plan non-destructive testing, review material certificates and prepare documentation "
              "under EN ISO 3834. A good choice for mechanical engineering students who like to see what they "
              "calculate being built. Our quality team speaks English; some German helps on the shop floor.",
              ("welding", "quality control", "mechanical engineering"), ("non-destructive testing", "EN ISO 3834"),
              ("Maschinenbau", "Wirtschaftsingenieurwesen"),
              duration=4),
    # Lausitz Automation & Elektro
    OfferSpec("automation", J, "de", "SPS-Programmierer Siemens S7 / TIA Portal (m/w/d)",
              "Sie programmieren Steuerungen für Anlagen unserer Kunden im Industriepark, vom Papierwerk bis zur "
              "Elektrolyse. Sie erstellen Software in TIA Portal und WinCC, testen sie virtuell mit PLCSIM und nehmen "
              "sie vor Ort in Betrieb. Sie arbeiten eng mit dem Schaltschrankbau und den Kunden zusammen und bilden "
              "sich bei uns in der Prozessleittechnik weiter.",
              ("SPS", "Siemens S7", "TIA Portal"), ("WinCC", "PROFINET", "Inbetriebnahme"),
              ("Mechatronik und Automatisierungstechnik", "Elektrotechnik", "Informatik"),
              degree=B, german="B2", remote=20, place="Spremberg"),
    OfferSpec("automation", W, "de", "Werkstudent Elektrokonstruktion EPLAN (m/w/d)",
              "Sie erstellen und pflegen Stromlaufpläne in EPLAN Electric P8, bereiten Stücklisten für den "
              "Schaltschrankbau vor und unterstützen bei der Dokumentation von Anlagen nach Maschinenrichtlinie. "
              "Flexible Arbeitszeit mit rund 15 Stunden pro Woche, gern auch als Einstieg in eine spätere "
              "Festanstellung nach dem Studium.",
              ("EPLAN", "Elektrotechnik", "Schaltplan"), ("Schaltschrankbau", "Maschinenrichtlinie"),
              ("Elektrotechnik", "Mechatronik und Automatisierungstechnik"),
              german="B2", duration=12, remote=30, place="Spremberg"),
    OfferSpec("automation", T, "de", "Bachelorarbeit: Digitaler Zwilling für eine Verpackungslinie",
              "Sie bauen ein Simulationsmodell einer Verpackungslinie, koppeln es an eine reale S7-Steuerung und "
              "testen damit Steuerungssoftware, bevor sie auf die Anlage kommt. Dabei vergleichen Sie Werkzeuge wie "
              "Siemens NX MCD mit Open-Source-Alternativen und bewerten den Aufwand für künftige Projekte. Die "
              "Ergebnisse fließen direkt in unsere Inbetriebnahmen ein.",
              ("Simulation", "SPS", "Automatisierungstechnik"), ("Digitaler Zwilling", "OPC UA", "Python"),
              ("Mechatronik und Automatisierungstechnik", "Informatik", "Maschinenbau"),
              german="B2", duration=4, remote=30, place="Spremberg"),
    OfferSpec("automation", I, "de", "Praktikum Inbetriebnahme Elektro- und Automatisierungstechnik (m/w/d)",
              "Sie begleiten unsere Technikerinnen und Techniker bei Inbetriebnahmen im Industriepark: Sie prüfen "
              "Verdrahtung und Signale, testen Antriebe und Sensorik, ändern SPS-Programme unter Anleitung und "
              "schreiben Protokolle. Sie lernen, wie Automatisierung auf echten Baustellen funktioniert, und arbeiten "
              "überwiegend vor Ort.",
              ("Elektrotechnik", "Automatisierungstechnik"), ("SPS", "Frequenzumrichter", "Messtechnik"),
              ("Elektrotechnik", "Mechatronik und Automatisierungstechnik"),
              german="B1", duration=3),
    # Parklogistik Spreetal
    OfferSpec("parklogistik", J, "de", "Logistikplaner Werkverkehr und Bahnanschluss (m/w/d)",
              "Sie planen die Rohstoff- und Produktströme des Industrieparks: Sie disponieren Züge und Lkw, "
              "optimieren Lagerflächen, führen ein Yard-Management-System ein und verhandeln mit Speditionen und "
              "Eisenbahnverkehrsunternehmen. Sie haben Wirtschaftsingenieurwesen, Betriebswirtschaft oder "
              "Wirtschaftsinformatik studiert und arbeiten gern mit Zahlen und mit Menschen.",
              ("Logistik", "Disposition", "SAP"), ("SAP EWM", "Gefahrgut", "Eisenbahnbetrieb"),
              ("Wirtschaftsingenieurwesen", "Betriebswirtschaftslehre", "Wirtschaftsinformatik"),
              degree=B, german="C1", remote=20, place="Spreetal"),
    OfferSpec("parklogistik", W, "en", "Working student: Supply chain data analysis",
              "Help our logistics team make better decisions with data. You will build reports on transport costs, "
              "lead times and CO2 emissions, clean data from our SAP system, and create dashboards in Power BI. "
              "15 to 20 hours a week, mostly remote from Cottbus, with occasional visits to the site in Spreetal. "
              "English is the team language for data work.",
              ("data analysis", "SQL", "Power BI"), ("SAP", "Python", "supply chain"),
              ("Wirtschaftsinformatik", "Wirtschaftsmathematik", "Betriebswirtschaftslehre"),
              duration=12, remote=80, place="Spreetal / remote"),
    OfferSpec("parklogistik", I, "de", "Praktikum Gefahrgutlogistik (m/w/d)",
              "Sie lernen, wie Chemikalien, Batterien und Druckgase sicher transportiert werden: Sie unterstützen "
              "unseren Gefahrgutbeauftragten bei Prüfungen nach ADR und RID, pflegen Stammdaten, begleiten "
              "Verladungen an Gleis und Rampe und erarbeiten Schulungsunterlagen für Fahrerinnen und Fahrer. Nach "
              "drei Monaten kennen Sie die Regeln, die im Industriepark täglich gebraucht werden.",
              ("Gefahrgut", "Logistik"), ("ADR", "RID", "SAP"),
              ("Wirtschaftsingenieurwesen", "Umweltingenieurwesen"),
              german="B2", duration=3, place="Spreetal", status=OfferStatus.closed),
    # Pumpe Digital IT-Services
    OfferSpec("pumpe-digital", J, "de", "SAP-Berater S/4HANA Logistik (m/w/d)",
              "Sie führen bei Unternehmen im Industriepark SAP S/4HANA ein, vor allem die Module MM, SD und EWM. Sie "
              "nehmen Anforderungen auf, passen Prozesse im Customizing an, testen mit Key-Usern und schulen "
              "Anwenderinnen und Anwender. Berufseinsteiger lernen bei uns im Tandem mit erfahrenen Beratern; "
              "SAP-Zertifizierungen bezahlen wir.",
              ("SAP", "S/4HANA", "Prozessberatung"), ("SAP MM", "SAP EWM", "ABAP"),
              ("Wirtschaftsinformatik", "Wirtschaftsingenieurwesen", "Betriebswirtschaftslehre"),
              degree=B, german="C1", remote=50, place="Spremberg"),
    OfferSpec("pumpe-digital", J, "en", "Data Scientist – Industrial Analytics",
              "Turn data from power plants, paper machines and electrolysers into decisions. You will build "
              "forecasting and optimisation models for energy demand and production, deploy them on our Azure data "
              "platform, and work directly with engineers in the park. We work in English and German; German is "
              "welcome but not required. You hold a master's degree in data science, computer science, mathematics "
              "or a related field.",
              ("Python", "machine learning", "forecasting"), ("Azure", "MLOps", "optimisation", "SQL"),
              ("Artificial Intelligence", "Informatik", "Mathematik", "Wirtschaftsmathematik"),
              degree=M, remote=60, place="Spremberg"),
    OfferSpec("pumpe-digital", J, "en", "OT Security Engineer",
              "Industrial networks in the park were built to run, not to withstand attacks. You will assess the "
              "control systems and networks of our customers, design segmentation and secure remote access, "
              "introduce monitoring of OT traffic, and help companies meet NIS2 and IEC 62443. Knowledge of "
              "firewalls, Linux and industrial protocols helps; we train you in the rest.",
              ("IT security", "IEC 62443", "network security"), ("Linux", "firewall", "PROFINET", "NIS2"),
              ("Cyber Security", "Informatik", "Elektrotechnik"),
              degree=B, remote=40, place="Spremberg"),
    OfferSpec("pumpe-digital", T, "de", "Masterarbeit: Sprachmodelle für Instandhaltungsberichte",
              "Schichtbücher und Störmeldungen enthalten viel Wissen, das kaum jemand auswertet. In Ihrer "
              "Masterarbeit untersuchen Sie, wie kleine, lokal betriebene Sprachmodelle deutsche Instandhaltungstexte "
              "klassifizieren und zusammenfassen können, ohne dass Daten das Werk verlassen. Sie erstellen einen "
              "Testdatensatz, vergleichen Modelle und bewerten Qualität und Rechenaufwand.",
              ("Natural Language Processing", "Python", "maschinelles Lernen"), ("Transformer", "Datenschutz"),
              ("Artificial Intelligence", "Informatik", "Wirtschaftsinformatik"),
              degree=B, german="C1", duration=6, remote=70, place="Spremberg"),
    # Stahl- und Metallbau Spreetal
    OfferSpec("metallbau", J, "de", "Schweißfachingenieur (m/w/d)",
              "Sie verantworten die Schweißaufsicht in unserer Fertigung nach EN 1090 und ISO 3834: Sie erstellen "
              "Schweißanweisungen, qualifizieren Verfahren und Personal, prüfen Zeichnungen auf schweißgerechte "
              "Konstruktion und begleiten Abnahmen mit Kunden und Prüfstellen. Die Ausbildung zum "
              "Schweißfachingenieur kann auch berufsbegleitend bei uns erfolgen.",
              ("Schweißtechnik", "EN 1090", "Qualitätssicherung"), ("Schweißfachingenieur", "Stahlbau"),
              ("Maschinenbau", "Bauingenieurwesen"),
              degree=B, german="C1", place="Spreetal"),
    OfferSpec("metallbau", W, "de", "Werkstudent Konstruktion Stahlbau (m/w/d)",
              "Sie unterstützen unser Konstruktionsbüro bei Werkstattzeichnungen und 3D-Modellen für Bühnen, Treppen "
              "und Förderbrücken in Tekla Structures oder Autodesk Inventor, führen unter Anleitung einfache "
              "statische Nachweise und lernen den Weg vom Modell bis zum fertigen Bauteil in unserer Werkstatt "
              "kennen. Die Arbeitszeit legen wir gemeinsam um Ihre Vorlesungen herum fest.",
              ("CAD", "Stahlbau", "Konstruktion"), ("Tekla Structures", "Inventor", "Statik"),
              ("Bauingenieurwesen", "Maschinenbau"),
              german="B2", duration=12, remote=20, place="Spreetal"),
    # Companies still waiting for verification: their offers stay drafts.
    OfferSpec("energiespeicher", J, "de", "Projektingenieur Netzanschluss Batteriespeicher (m/w/d)",
              "Sie planen den Netzanschluss unseres Großbatteriespeichers: Sie erstellen Unterlagen für den "
              "Netzbetreiber, dimensionieren Transformatoren und Schaltanlagen mit Partnern, prüfen Netzstudien und "
              "koordinieren Genehmigungen. Ein Studium der Elektrotechnik oder Energietechnik und Interesse an "
              "Hochspannungstechnik bringen Sie mit.",
              ("Netzanschluss", "Elektrotechnik", "Hochspannung"), ("Batteriespeicher", "PowerFactory"),
              ("Elektrotechnik", "Power Engineering", "Energietechnik und Energiewirtschaft"),
              degree=B, german="C1", remote=30, status=OfferStatus.draft),
    OfferSpec("energiespeicher", R, "de", "Forschungsfrage: Alterung von Batteriespeichern im Regelenergiemarkt",
              "Wie schnell altern Lithium-Eisenphosphat-Zellen, wenn ein Speicher Primärregelleistung und Arbitrage "
              "zugleich bedient? Wir suchen eine Forschungsgruppe der BTU, die Alterungsmodelle mit Marktsimulationen "
              "verbindet und daraus eine Betriebsstrategie ableitet. Messdaten aus einem Pilotspeicher stellen wir "
              "bereit, ebenso eine Finanzierung für anderthalb Jahre. Die Ergebnisse dürfen veröffentlicht werden.",
              ("Batteriealterung", "Energiemarkt", "Modellierung"), ("Python", "Optimierung"),
              ("Power Engineering", "Elektrotechnik", "Wirtschaftsmathematik"),
              german="B2", duration=18, remote=50, status=OfferStatus.draft),
    OfferSpec("greensynth", R, "en", "Research question: Catalyst lifetime in green methanol synthesis",
              "Our pilot plant will turn green hydrogen and biogenic CO2 into methanol. We are looking for BTU "
              "researchers to study how impurities in biogenic CO2 – sulphur, oxygen, siloxanes – affect the lifetime "
              "of copper-based catalysts, and which gas cleaning is worth its cost. We offer gas analyses from our "
              "partners and co-funding for a research project of up to two years.",
              ("catalysis", "methanol synthesis", "gas cleaning"), ("reaction engineering", "CO2 utilisation"),
              ("Verfahrenstechnik", "Wasserstofftechnik", "Physik"),
              degree=PHD, duration=24, remote=30, status=OfferStatus.draft),
)

# What every offer of a kind adds, in the offer's language; the last sentence marks it as fictional.
OFFER_CLOSINGS = {
    "de": {
        J: "Wir bieten einen unbefristeten Vertrag mit tariflicher Vergütung, flexible Arbeitszeiten, Weiterbildung "
           "und einen Arbeitsplatz in der Lausitz, gut erreichbar von Cottbus, Spremberg und Hoyerswerda.",
        I: "Das Praktikum wird vergütet; wir helfen bei der Suche nach einer Unterkunft und stellen ein "
           "qualifiziertes Zeugnis aus.",
        T: "Die Arbeit wird vergütet; wir stellen Arbeitsplatz und Daten bereit und stimmen das Thema mit Ihrer "
           "Betreuung an der BTU ab.",
        W: "Die Vergütung richtet sich nach Semester und Erfahrung, und in der Prüfungszeit hat das Studium Vorrang.",
        TR: "Das Programm ist tariflich vergütet, mit festen Ansprechpersonen und einem Netzwerk anderer Trainees im "
            "Industriepark.",
        R: "Ansprechpartner ist unser Technologieteam; die Präsenzstelle der BTU in Spremberg vermittelt gern den "
           "Kontakt.",
    },
    "en": {
        J: "We offer a permanent contract with collectively agreed pay, flexible hours, training and a workplace in "
           "Lusatia within easy reach of Cottbus, Spremberg and Hoyerswerda.",
        I: "The internship is paid; we help you find accommodation and give you a detailed reference.",
        T: "The thesis is paid; we provide a desk and data and agree the topic with your supervisor at BTU.",
        W: "Pay depends on your semester and experience, and your studies come first during exams.",
        TR: "The programme is paid according to the collective agreement, with named mentors and a network of "
            "trainees across the park.",
        R: "Our technology team is your contact; the BTU Präsenzstelle in Spremberg is happy to make the "
           "introduction.",
    },
}
ABOUT_US = {"de": "Über uns: ", "en": "About us: "}
DEMO_NOTE = {"de": "(Fiktives Angebot aus den Demodaten.)", "en": "(A fictional offer from the demo data.)"}
COMPANY_BY_SLUG = {spec.slug: spec for spec in COMPANIES}


def offer_description(spec: OfferSpec) -> str:
    """The offer's own text, then who the company is and what it offers, in the offer's language."""
    company = COMPANY_BY_SLUG[spec.company]
    about = company.about if spec.language == "de" else company.about_en
    return "\n\n".join([spec.body, ABOUT_US[spec.language] + about, OFFER_CLOSINGS[spec.language][spec.kind],
                         DEMO_NOTE[spec.language]])


# ---- graduates ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Track:
    """A study programme with the words graduates of it use, in German and in English."""

    programme: str
    headline_de: str
    headline_en: str
    skills_de: tuple[str, ...]
    skills_en: tuple[str, ...]
    focus_de: str
    focus_en: str
    thesis_de: str
    thesis_en: str


TRACKS = (
    Track("Verfahrenstechnik", "Verfahrensingenieur·in mit Schwerpunkt Reaktionstechnik",
          "Process engineer focused on reaction engineering",
          ("Verfahrenstechnik", "Reaktionstechnik", "Aspen Plus", "Anlagensicherheit", "Scale-up",
           "Prozesssimulation", "Laborarbeit", "Wärmeübertragung"),
          ("process engineering", "reaction engineering", "Aspen Plus", "process safety", "scale-up",
           "process simulation", "lab work", "heat transfer"),
          "Prozessentwicklung und die Umstellung chemischer Prozesse auf erneuerbare Rohstoffe",
          "process development and moving chemical processes to renewable feedstocks",
          "Modellierung eines Rieselbettreaktors", "Modelling a trickle-bed reactor"),
    Track("Wasserstofftechnik", "Wasserstofftechnik: Elektrolyse und Speicherung",
          "Hydrogen engineer: electrolysis and storage",
          ("Wasserstoff", "Elektrolyse", "Elektrochemie", "Brennstoffzelle", "Verfahrenstechnik", "Python",
           "Anlagensicherheit"),
          ("hydrogen", "electrolysis", "electrochemistry", "fuel cells", "process engineering", "Python",
           "process safety"),
          "grünen Wasserstoff und die Kopplung von Elektrolyse und erneuerbarem Strom",
          "green hydrogen and coupling electrolysis with renewable power",
          "Wirkungsgrad von PEM-Elektrolyseuren bei Teillast", "Part-load efficiency of PEM electrolysers"),
    Track("Maschinenbau", "Maschinenbau mit Schwerpunkt Konstruktion", "Mechanical engineer, design and CAD",
          ("Konstruktion", "CAD", "SolidWorks", "Festigkeitsberechnung", "Instandhaltung", "Schweißtechnik",
           "FEM", "Fertigungstechnik"),
          ("mechanical design", "CAD", "SolidWorks", "stress analysis", "maintenance", "welding", "FEM",
           "manufacturing"),
          "Konstruktion und Instandhaltung großer Anlagen", "design and maintenance of large plants",
          "Lebensdauer geschweißter Rohrleitungsbauteile", "Fatigue life of welded piping components"),
    Track("Kraftwerkstechnik", "Kraftwerkstechnik – Gasturbinen und Dampfkreisläufe",
          "Power plant engineer – gas turbines and steam cycles",
          ("Kraftwerkstechnik", "Thermodynamik", "Gasturbine", "Dampfturbine", "Ebsilon", "Instandhaltung",
           "Inbetriebnahme"),
          ("power plant engineering", "thermodynamics", "gas turbine", "steam turbine", "Ebsilon", "maintenance",
           "commissioning"),
          "den Umbau von Kohlekraftwerken zu flexiblen Gas- und Speicherkraftwerken",
          "converting coal plants into flexible gas and storage plants",
          "Wasserstoffbeimischung in Gasturbinen", "Hydrogen blending in gas turbines"),
    Track("Elektrotechnik", "Elektrotechnik: Energieversorgung und Netze",
          "Electrical engineer: power supply and grids",
          ("Elektrotechnik", "Hochspannung", "Netzanschluss", "EPLAN", "Schutztechnik", "PowerFactory",
           "Messtechnik"),
          ("electrical engineering", "high voltage", "grid connection", "EPLAN", "protection systems",
           "PowerFactory", "measurement"),
          "Netzanschluss von Speichern und erneuerbaren Anlagen", "connecting storage and renewables to the grid",
          "Netzrückwirkungen von Großbatteriespeichern", "Grid impact of large battery storage"),
    Track("Mechatronik und Automatisierungstechnik", "Automatisierungstechnik: SPS und Prozessleittechnik",
          "Automation engineer: PLC and process control",
          ("SPS", "Siemens S7", "TIA Portal", "Automatisierungstechnik", "WinCC", "Regelungstechnik",
           "Inbetriebnahme", "OPC UA"),
          ("PLC", "Siemens S7", "TIA Portal", "automation", "WinCC", "control engineering", "commissioning",
           "OPC UA"),
          "Automatisierung und Digitalisierung von Produktionsanlagen",
          "automating and digitalising production plants",
          "Virtuelle Inbetriebnahme einer Förderanlage", "Virtual commissioning of a conveyor system"),
    Track("Informatik", "Informatik: Softwareentwicklung und Daten", "Software developer with a data focus",
          ("Python", "Java", "SQL", "Docker", "Linux", "Datenanalyse", "Webentwicklung", "Git"),
          ("Python", "Java", "SQL", "Docker", "Linux", "data analysis", "web development", "Git"),
          "Software für Industrieunternehmen und saubere Datenplattformen",
          "software for industrial companies and clean data platforms",
          "Zeitreihendatenbanken für Sensordaten", "Time-series databases for sensor data"),
    Track("Artificial Intelligence", "KI und maschinelles Lernen für die Industrie",
          "Machine learning engineer for industry",
          ("maschinelles Lernen", "Python", "Prognose", "Deep Learning", "Datenanalyse", "Zeitreihen", "PyTorch"),
          ("machine learning", "Python", "forecasting", "deep learning", "data analysis", "time series", "PyTorch",
           "Natural Language Processing"),
          "Prognosemodelle und vorausschauende Instandhaltung", "forecasting and predictive maintenance",
          "Anomalieerkennung in Schwingungsdaten", "Anomaly detection in vibration data"),
    Track("Wirtschaftsingenieurwesen", "Wirtschaftsingenieurwesen: Projekte, Logistik und Prozesse",
          "Industrial engineer: projects, logistics and operations",
          ("Projektmanagement", "Logistik", "SAP", "Kostenrechnung", "Lean Management", "Excel", "Energiewirtschaft"),
          ("project management", "logistics", "SAP", "cost accounting", "lean management", "Excel",
           "energy economics"),
          "Projekte an der Schnittstelle von Technik und Wirtschaft",
          "projects where engineering meets business",
          "Wirtschaftlichkeit von Wasserstoffprojekten in der Lausitz",
          "Business case for hydrogen projects in Lusatia"),
    Track("Wirtschaftsinformatik", "Wirtschaftsinformatik: SAP und Geschäftsprozesse",
          "Business informatics: SAP and business processes",
          ("SAP", "S/4HANA", "Prozessmodellierung", "SQL", "Power BI", "Datenanalyse", "ABAP"),
          ("SAP", "S/4HANA", "process modelling", "SQL", "Power BI", "data analysis", "ABAP"),
          "ERP-Systeme und Datenanalyse für den Mittelstand", "ERP systems and analytics for mid-sized companies",
          "Migration von Lagerprozessen nach SAP EWM", "Migrating warehouse processes to SAP EWM"),
    Track("Umweltingenieurwesen", "Umweltingenieurwesen: Recycling und Immissionsschutz",
          "Environmental engineer: recycling and emissions",
          ("Kreislaufwirtschaft", "Recycling", "Immissionsschutz", "Ökobilanz", "Abwasserbehandlung",
           "Arbeitssicherheit", "Umweltschutz"),
          ("circular economy", "recycling", "emission control", "life cycle assessment", "wastewater treatment",
           "occupational safety", "environmental protection"),
          "Recycling und die Genehmigung von Industrieanlagen", "recycling and permitting of industrial plants",
          "Ökobilanz des Batterierecyclings", "Life cycle assessment of battery recycling"),
    Track("Environmental and Resource Management", "Umwelt- und Ressourcenmanagement",
          "Environmental and resource manager",
          ("Nachhaltigkeit", "Ökobilanz", "CO2-Bilanz", "Kreislaufwirtschaft", "GIS", "Umweltrecht"),
          ("sustainability", "life cycle assessment", "carbon accounting", "circular economy", "GIS",
           "environmental law", "CSRD"),
          "Nachhaltigkeitsberichte und Ressourceneffizienz", "sustainability reporting and resource efficiency",
          "Rekultivierung von Tagebauflächen", "Land reclamation after open-cast mining"),
    Track("Power Engineering", "Elektrische Energietechnik und Energiemärkte",
          "Power engineer: grids and energy markets",
          ("Energiesysteme", "Netzberechnung", "Python", "Energiemarkt", "Batteriespeicher", "Optimierung"),
          ("power systems", "grid", "Python", "energy markets", "battery storage", "optimisation",
           "power electronics"),
          "Stromnetze mit viel erneuerbarer Energie", "power grids with a high share of renewables",
          "Regelleistung aus Batteriespeichern", "Frequency reserve from battery storage"),
    Track("Energietechnik und Energiewirtschaft", "Energietechnik und Energiewirtschaft",
          "Energy engineer and energy economist",
          ("Energiewirtschaft", "Energiemanagement", "Fernwärme", "Wärmepumpe", "Thermodynamik",
           "Energiesystemmodellierung"),
          ("energy economics", "energy management", "district heating", "heat pumps", "thermodynamics",
           "energy system modelling"),
          "Wärmeversorgung und Sektorenkopplung in der Lausitz", "heat supply and sector coupling in Lusatia",
          "Abwärmenutzung im Industriepark", "Using waste heat in an industrial park"),
    Track("Cyber Security", "IT-Sicherheit für Industrieanlagen", "Cyber security engineer for industrial systems",
          ("IT-Sicherheit", "Netzwerksicherheit", "Linux", "Penetrationstest", "IEC 62443", "Firewall"),
          ("IT security", "network security", "Linux", "penetration testing", "IEC 62443", "firewall",
           "incident response"),
          "die Absicherung industrieller Netze", "securing industrial networks",
          "Angriffserkennung in PROFINET-Netzen", "Intrusion detection in PROFINET networks"),
    Track("Biotechnologie", "Biotechnologie und Analytik", "Biotechnologist with an analytics focus",
          ("Laborarbeit", "Analytik", "HPLC", "Mikrobiologie", "Probenvorbereitung", "Qualitätssicherung"),
          ("lab work", "analytical chemistry", "HPLC", "microbiology", "sample preparation", "quality control"),
          "Analytik und biobasierte Rohstoffe", "analytics and bio-based feedstocks",
          "Enzymatischer Abbau von Papierfasern", "Enzymatic breakdown of paper fibres"),
    Track("Bauingenieurwesen", "Bauingenieurwesen: Stahlbau und Tragwerksplanung",
          "Civil engineer: steel structures",
          ("Stahlbau", "Statik", "Tragwerksplanung", "CAD", "Tekla Structures", "Bauleitung"),
          ("steel structures", "structural analysis", "structural design", "CAD", "Tekla Structures",
           "site management"),
          "Industriebau und Stahlkonstruktionen", "industrial buildings and steel structures",
          "Ertüchtigung alter Kraftwerksgerüste", "Reinforcing old power plant steel frames"),
    Track("Betriebswirtschaftslehre", "Betriebswirtschaft mit Schwerpunkt Controlling",
          "Business graduate with a controlling focus",
          ("Controlling", "Excel", "SAP", "Kostenrechnung", "Personalwesen", "Projektmanagement"),
          ("controlling", "Excel", "SAP", "cost accounting", "human resources", "project management"),
          "Controlling und Organisation in Industrieunternehmen", "controlling and organisation in industry",
          "Fördermittel im Strukturwandel der Lausitz", "Structural change funding in Lusatia"),
)
if not all(track.programme in BTU_PROGRAMMES for track in TRACKS):
    raise RuntimeError("every demo track must name a BTU programme")
# Programmes taught in English attract most of the international graduates.
INTERNATIONAL_PROGRAMMES = ("Artificial Intelligence", "Power Engineering", "Environmental and Resource Management",
                            "Cyber Security", "Informatik", "Verfahrenstechnik", "Maschinenbau",
                            "Wasserstofftechnik")

GERMAN_FIRST = ("Anna", "Lukas", "Marie", "Felix", "Sophie", "Jonas", "Lea", "Paul", "Emma", "Max", "Hannah",
                "Tim", "Laura", "Niklas", "Julia", "Tom", "Clara", "Erik", "Johanna", "Moritz", "Franziska",
                "Philipp", "Katharina", "Martin", "Sarah", "Stefan", "Lisa", "Florian", "Nadine", "Tobias")
GERMAN_LAST = ("Noack", "Krüger", "Schulze", "Lehmann", "Richter", "Wolf", "Neumann", "Hentschel", "Zimmermann",
               "Lange", "Brandt", "Winkler", "Pohl", "Kuhn", "Jahn", "Seidel", "Franke", "Böhme", "Wendt", "Krause",
               "Schubert", "Mietzsch", "Kschenka", "Domaschke")
INTERNATIONAL_NAMES = {
    "hi": (("Priya", "Arjun", "Rahul", "Ananya", "Vikram", "Sneha"), ("Sharma", "Nair", "Verma", "Iyer", "Reddy")),
    "zh": (("Wei", "Mei", "Jun", "Xin"), ("Zhang", "Chen", "Liu", "Wang")),
    "ar": (("Omar", "Layla", "Yusuf", "Nour"), ("Haddad", "Nasser", "Khalil", "Saleh")),
    "uk": (("Olena", "Dmytro", "Iryna", "Andrii"), ("Kovalenko", "Bondarenko", "Shevchuk", "Melnyk")),
    "pl": (("Agnieszka", "Piotr", "Kasia", "Tomasz"), ("Nowak", "Wiśniewska", "Kamiński", "Zając")),
    "tr": (("Mehmet", "Elif", "Can", "Zeynep"), ("Yılmaz", "Demir", "Aydın", "Kaya")),
    "es": (("Lucía", "Mateo", "Valentina", "Diego"), ("García", "Fernández", "Morales", "Rojas")),
    "ru": (("Anastasia", "Ivan"), ("Ivanova", "Petrov")),
}

PLACES_DE = ("Spremberg, Cottbus", "Cottbus und Umgebung", "Lausitz", "Industriepark Schwarze Pumpe, Hoyerswerda",
             "Cottbus, Senftenberg, mobil", "Spremberg, Spreetal", "Dresden, Lausitz")
PLACES_EN = ("Cottbus", "Cottbus or remote", "Lusatia, Berlin", "anywhere in Brandenburg", "Spremberg, Cottbus")
EXPERIENCE_DE = ("Praktikum bei einem Energieversorger in der Lausitz (3 Monate)",
                 "Werkstudent·in in einem Ingenieurbüro in Cottbus",
                 "Tutor·in für Technische Mechanik an der BTU",
                 "Studentische Hilfskraft an einem Lehrstuhl der BTU",
                 "Praktikum in einem Chemiebetrieb in Schwarzheide (6 Monate)",
                 "Ausbildung als Elektroniker·in für Betriebstechnik vor dem Studium")
EXPERIENCE_EN = ("Internship at an engineering consultancy in Berlin (3 months)",
                 "Student assistant at a BTU chair",
                 "Two years as a junior engineer before coming to Germany",
                 "Working student in a Cottbus software company",
                 "Internship at a solar park operator (6 months)",
                 "Teaching assistant for mathematics at BTU")
DEGREE_NAMES = {
    "de": {Degree.bachelor: "Bachelor", Degree.master: "Master", Degree.diplom: "Diplom", Degree.phd: "Promotion"},
    "en": {Degree.bachelor: "Bachelor", Degree.master: "Master", Degree.diplom: "Diplom", Degree.phd: "PhD"},
}
# The first sentence of a profile's about text, by (still studying, doctorate); {0} programme, {1} degree.
STUDIES = {
    "de": {(True, False): "Ich studiere {0} ({1}) an der BTU Cottbus-Senftenberg",
           (False, False): "Ich habe {0} ({1}) an der BTU Cottbus-Senftenberg studiert",
           (True, True): "Ich promoviere in {0} an der BTU Cottbus-Senftenberg",
           (False, True): "Ich habe in {0} an der BTU Cottbus-Senftenberg promoviert"},
    "en": {(True, False): "I am studying {0} ({1})",
           (False, False): "I studied {0} ({1})",
           (True, True): "I am doing a PhD in {0}",
           (False, True): "I did my PhD in {0}"},
}
STUDY_YEARS = {Degree.bachelor: 3, Degree.master: 2, Degree.diplom: 5, Degree.phd: 4}


@dataclass(frozen=True)
class GraduateSpec:
    email: str
    locale: str
    fields: dict


def _graduate_specs(today: date, now) -> list[GraduateSpec]:
    """Sixty fictional graduates, the same every time: all variation comes from one seeded generator."""
    # Seeded on purpose: the same fictional data every time; nothing secret is drawn from it.
    rng = random.Random(SEED)  # nosec B311
    specs, used_names = [], set()
    international_tracks = [t for t in TRACKS if t.programme in INTERNATIONAL_PROGRAMMES]
    for n in range(1, GRADUATE_COUNT + 1):
        international = n % 5 in (2, 4)
        lang = "en" if international else "de"
        track = rng.choice(international_tracks if international else TRACKS)
        while True:
            if international:
                native = rng.choice(sorted(INTERNATIONAL_NAMES))
                firsts, lasts = INTERNATIONAL_NAMES[native]
            else:
                native, firsts, lasts = "de", GERMAN_FIRST, GERMAN_LAST
            name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
            if name not in used_names:
                used_names.add(name)
                break

        degree = rng.choices((Degree.bachelor, Degree.master, Degree.diplom, Degree.phd),
                             weights=(35, 50, 0 if international else 5, 10))[0]
        # Semesters end in March and September; graduates range from three years ago to next year.
        month = rng.choice((3, 9))
        graduation = date(today.year + rng.randint(-3, 1), month, 31 if month == 3 else 30)
        still_studying = graduation > today
        if still_studying:
            kinds = rng.sample([I.value, T.value, W.value], rng.randint(1, 3))
        else:
            kinds = [J.value] + rng.sample([TR.value, J.value, R.value], 1)
            if degree == PHD:
                kinds.append(R.value)
        kinds = sorted(set(kinds))

        pool = track.skills_en if international else track.skills_de
        skills = rng.sample(pool, rng.randint(4, min(6, len(pool))))
        if rng.random() < 0.4:
            extra = ("Python", "Excel", "SAP", "Projektmanagement" if lang == "de" else "project management")
            skills.append(rng.choice([s for s in extra if s not in skills]))

        if international:
            languages = [{"language": native, "level": "native"},
                         {"language": "en", "level": rng.choice(("C1", "C1", "C2"))},
                         {"language": "de", "level": rng.choice(("A1", "A2", "A2", "B1", "B1", "B2", "C1"))}]
        else:
            languages = [{"language": "de", "level": "native"},
                         {"language": "en", "level": rng.choice(("B1", "B2", "B2", "C1", "C1"))}]
            if rng.random() < 0.25:
                languages.append({"language": rng.choice(("pl", "cs", "fr", "es", "ru")),
                                  "level": rng.choice(("A2", "B1"))})

        degree_name = DEGREE_NAMES[lang][degree]
        first_year = graduation.year - STUDY_YEARS[degree]
        experience = rng.sample(EXPERIENCE_EN if international else EXPERIENCE_DE, 2)
        if international:
            headline = track.headline_en
            about = (f"{STUDIES['en'][still_studying, degree == PHD].format(track.programme, degree_name)} at "
                     f"BTU Cottbus-Senftenberg and I am most interested in {track.focus_en}. "
                     f"I would like to stay in Lusatia and look for a team where I can also improve my German.")
            cv = "\n".join([f"{first_year}–{graduation.year}: {degree_name}, {track.programme}, "
                            f"BTU Cottbus-Senftenberg",
                            f"{'Dissertation' if degree == PHD else 'Thesis'}: {track.thesis_en}", *experience])
        else:
            headline = track.headline_de
            about = (f"{STUDIES['de'][still_studying, degree == PHD].format(track.programme, degree_name)} und "
                     f"interessiere mich besonders für {track.focus_de}. Ich möchte in der Lausitz bleiben und suche "
                     f"ein Team, in dem ich Verantwortung übernehmen kann.")
            cv = "\n".join([f"{first_year}–{graduation.year}: {degree_name} {track.programme}, "
                            f"BTU Cottbus-Senftenberg",
                            f"{'Dissertation' if degree == PHD else 'Abschlussarbeit'}: {track.thesis_de}",
                            *experience])

        visible = n % 3 != 0
        fields = {
            "name": name, "headline": headline, "about": about, "study_programme": track.programme,
            "degree": degree, "graduation_date": graduation, "skills": skills, "languages": languages,
            "wanted_kinds": kinds, "earliest_start": today + timedelta(days=rng.randint(7, 150)),
            "places": rng.choice(PLACES_EN if international else PLACES_DE), "cv_text": cv,
            "visible_to_companies": visible,
            "consent_at": now - timedelta(days=rng.randint(1, 60)) if visible else None,
        }
        specs.append(GraduateSpec(demo_email(f"graduate{n:02d}"), lang, fields))
    return specs


# ---- seeding -----------------------------------------------------------------------------------

STAFF_ACCOUNTS = ((Role.staff, "staff"), (Role.board, "board"), (Role.admin, "admin"),
                  (Role.researcher, "researcher"))
# The staff, board and admin accounts have been there since the service started.
STAFF_SINCE_DAYS = 700


class _Accounts:
    """Creates demo users; the password is hashed once, and only if an account is actually created."""

    def __init__(self, existing: dict[str, User], now):
        self.existing = existing
        self.now = now
        self.created = 0
        self._hash: str | None = None

    def get_or_create(self, email: str, role: Role, locale: str = "de", **fields) -> tuple[User, bool]:
        user = self.existing.get(email)
        if user is not None:
            return user, False
        if self._hash is None:
            probe = User()
            probe.set_password(DEMO_PASSWORD)
            self._hash = probe.password_hash
        user = User(email=email, role=role, locale=locale, password_hash=self._hash, confirmed_at=self.now,
                     active=True, is_demo=True, **fields)
        db.session.add(user)
        self.existing[email] = user
        self.created += 1
        return user, True


def seed_demo() -> list[str]:
    """Load the fictional demo data where it is missing, commit, and return the lines to print."""
    from .demo_brokering import (date_accounts, date_offers, demo_introductions_exist, publication,
                                 seed_introductions)
    from .demo_events import demo_event_people, seed_events
    from .demo_stories import seed_stories
    from .demo_report import seed_measures, seed_retention_checks
    from .demo_research import seed_research
    from .reports.queries import berlin_today

    # Seeded on purpose: the same fictional data every time; nothing secret is drawn from it.
    rng = random.Random(SEED)  # nosec B311
    now = utcnow().replace(microsecond=0)
    today = now.date()
    lifetime = current_app.config["OFFER_DEFAULT_LIFETIME_DAYS"]
    graduates = _graduate_specs(today, now)

    emails = ([demo_email(local) for _, local in STAFF_ACCOUNTS] + [c.email for c in COMPANIES]
              + [g.email for g in graduates])
    accounts = _Accounts({u.email: u for u in db.session.scalars(db.select(User).where(User.email.in_(emails)))},
                         now)
    for role, local in STAFF_ACCOUNTS:
        user, created = accounts.get_or_create(demo_email(local), role)
        if created:
            user.created_at = user.confirmed_at = now - timedelta(days=STAFF_SINCE_DAYS)
    staff = accounts.existing[demo_email("staff")]

    names = [spec.full_name for spec in COMPANIES]
    companies = {c.name: c for c in db.session.scalars(db.select(Company).where(Company.name.in_(names)))}
    new_companies = 0
    owners: dict[str, tuple[Company, User | None]] = {}
    for spec in COMPANIES:
        # Drawn whether or not the company is new, so that each company always gets the same dates.
        # Verified companies joined before their first offer (up to two years ago); the others are new.
        created_days_ago = rng.randint(640, 690) if spec.verified else rng.randint(5, 20)
        verified_after_days = rng.randint(2, 12)
        company = companies.get(spec.full_name)
        if company is None:
            created_at = now - timedelta(days=created_days_ago)
            company = Company(name=spec.full_name, sector=spec.sector, size_band=spec.size, site=spec.site,
                              about=ABOUT_PREFIX + spec.about, website=f"https://{spec.slug}.example.org",
                              contact_email=spec.email, is_demo=True, created_at=created_at,
                              verified_at=created_at + timedelta(days=verified_after_days) if spec.verified else None)
            db.session.add(company)
            new_companies += 1
        if not company.is_demo:  # a real company of that name: leave it and its people alone
            continue
        user, created = accounts.get_or_create(spec.email, Role.company)
        if created:
            user.company, user.membership = company, Membership.active
            user.created_at = user.confirmed_at = company.created_at
        owners[spec.slug] = (company, user if user.company is company else None)
    db.session.flush()

    new_offers, planned = _seed_offers(owners, rng, now, today, lifetime, publication)
    new_profiles: list[GraduateProfile] = []
    for spec in graduates:
        user, _ = accounts.get_or_create(spec.email, Role.graduate, locale=spec.locale)
        if not user.is_demo or user.role != Role.graduate or user.profile is not None:
            continue
        profile = GraduateProfile(user=user, is_demo=True, **spec.fields)
        profile.sync_german_level()
        db.session.add(profile)
        new_profiles.append(profile)
    db.session.flush()

    # Seeded on purpose, one generator per part, so that a change to one part leaves the others as they were.
    introductions, first_seen = [], {}
    if not demo_introductions_exist():
        offers = {offer.title: offer for company, _ in owners.values() for offer in company.offers}
        profiles = list(db.session.scalars(db.select(GraduateProfile).where(GraduateProfile.is_demo.is_(True))))
        introductions, first_seen = seed_introductions(offers, profiles, staff, now,
                                                       random.Random(SEED + 1))  # nosec B311
    date_offers(planned, now, lifetime)
    date_accounts(new_profiles, first_seen, now, random.Random(SEED + 2))  # nosec B311
    new_events = seed_events(staff if staff.is_demo else None, *demo_event_people(), now,
                             random.Random(SEED + 3))  # nosec B311
    # Units before stories: a story may be about a unit.
    researcher = accounts.existing.get(demo_email("researcher"))
    new_units, new_questions, unit_intros = seed_research(owners, staff if staff.is_demo else None, researcher, now,
                                                          lifetime)
    story_graduates = [accounts.existing[spec.email] for spec in graduates[:2]]
    new_stories = seed_stories(staff if staff.is_demo else None,
                               [user for user in story_graduates if user.is_demo], now)
    board_today = berlin_today()
    new_measures = seed_measures(staff if staff.is_demo else None, board_today)
    new_checks = seed_retention_checks(staff if staff.is_demo else None, board_today)
    db.session.commit()

    if (accounts.created or new_companies or new_offers or new_profiles or introductions or new_events
            or new_measures or new_checks or new_stories or new_units or new_questions or unit_intros):
        lines = [f"Demo data loaded: {new_companies} companies, {new_offers} offers, {len(new_profiles)} graduate "
                 f"profiles, {len(introductions)} introductions, {new_events} events, {new_stories} stories and news, "
                 f"{new_measures} measures, {new_checks} retention checks, {new_units} research units, "
                 f"{new_questions} research questions for units, {unit_intros} introductions to units, "
                 f"{accounts.created} accounts created."]
    else:
        lines = ["Demo data already present: nothing added, nothing changed."]
    return lines + _login_lines(graduates[0].email, COMPANIES[0].email)


def _seed_offers(owners: dict[str, tuple[Company, User | None]], rng: random.Random, now, today: date,
                 lifetime: int, publication) -> tuple[int, list]:
    """Add the missing offers, all open for now; returns how many, and their history for `date_offers`."""
    existing = set(db.session.execute(db.select(Offer.company_id, Offer.title).where(
        Offer.company_id.in_([company.id for company, _ in owners.values()]))).all())
    planned, created = [], 0
    for spec in OFFERS:
        # Drawn for every offer, new or not, so that each offer always gets the same dates.
        published_days_ago = rng.randint(1, 35)
        start_in_days = rng.randint(14, 120)
        if spec.company not in owners or (owners[spec.company][0].id, spec.title) in existing:
            continue
        company, author = owners[spec.company]
        offer = Offer(company=company, created_by_id=author.id if author else None, kind=spec.kind,
                      title=spec.title, description=offer_description(spec), required_skills=list(spec.required),
                      nice_skills=list(spec.nice), fields_of_study=list(spec.fields), degree=spec.degree,
                      min_german_level=spec.german, start_date=today + timedelta(days=start_in_days),
                      duration_months=spec.duration, place=spec.place, remote_share=spec.remote,
                      language=spec.language, is_demo=True, created_at=now - timedelta(days=published_days_ago + 2))
        status = spec.status if company.is_verified else OfferStatus.draft
        if status in (OfferStatus.published, OfferStatus.closed):
            # Open while the introductions are made; `date_offers` then writes its history.
            offer.status = OfferStatus.published
            offer.published_at = now - timedelta(days=published_days_ago)
            offer.expires_at = offer.expiry_for(offer.published_at, lifetime)
            days_ago, over = publication(spec.title, published_days_ago)
            planned.append((offer, days_ago, over, status))
        else:
            offer.status = status
        db.session.add(offer)
        created += 1
    return created, planned


def _login_lines(graduate_email: str, company_email: str) -> list[str]:
    logins = [("graduate", graduate_email), ("company", company_email)] + [
        (role.value, demo_email(local)) for role, local in STAFF_ACCOUNTS]
    demo_users = set(db.session.scalars(db.select(User.email).where(
        User.email.in_([email for _, email in logins]), User.is_demo.is_(True))))
    lines = [f"Demo accounts (fictional data only, never for real use); password for all: {DEMO_PASSWORD}"]
    lines += [f"  {role:<10} {email}" for role, email in logins if email in demo_users]
    return lines
