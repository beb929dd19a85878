//! People's names and job titles, and the companies' names, sectors and cities.

pub const FIRST_NAMES: &[&str] = &[
    "Astrid", "Björn", "Elin", "Erik", "Freja", "Gustav", "Hanna", "Ingrid", "Johan", "Karin",
    "Lars", "Linnea", "Magnus", "Maja", "Nils", "Oskar", "Sigrid", "Sven", "Tove", "Ulf", "Åsa",
    "Sofia", "Emil", "Ida", "Mikael", "Liv", "Henrik", "Saga", "Anders", "Camilla", "Jonas",
    "Petra", "Ebba", "Axel", "Matilda", "Aino", "Eero", "Juha", "Kaisa", "Mette", "Søren",
    "Kjersti", "Torbjørn", "Mohammed", "Fatima", "Priya", "Arjun", "Wei", "Mei", "Lukas",
    "Anna", "Marco", "Giulia", "Carlos", "Lucía", "Amara", "Kwame", "Yusuf", "Leyla", "Olga",
    "Dmitri", "Aisha", "Tomás", "Sara", "Daniel", "Noor", "Hiroshi", "Yuki", "Chloé", "Pierre",
    "Zofia", "Jakub",
];

pub const LAST_NAMES: &[&str] = &[
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Lindqvist", "Lindberg", "Bergström", "Nyström", "Holm",
    "Sandberg", "Ekström", "Lund", "Sjöberg", "Wallin", "Forsberg", "Engström", "Åberg",
    "Hedlund", "Björk", "Berg", "Lind", "Dahl", "Strand", "Virtanen", "Korhonen", "Mäkinen",
    "Nieminen", "Hansen", "Jensen", "Nielsen", "Pedersen", "Johansen", "Haugen", "Bakke",
    "Halvorsen", "Rasmussen", "Khan", "Haddad", "Ahmed", "Hussein", "Patel", "Sharma", "Chen",
    "Wang", "Li", "Kim", "Nguyen", "Kowalski", "Nowak", "Novák", "Müller", "Schmidt", "Rossi",
    "Ferrari", "García", "Fernández", "Silva", "Okafor", "Mensah", "Yılmaz", "Demir", "Ivanova",
    "Petrov", "O'Brien", "Murphy", "Tanaka", "Sato", "Dubois",
];

pub const JOB_TITLES: &[&str] = &[
    "IT Manager", "Office Manager", "CFO", "Accounts Payable Specialist", "Head of Operations",
    "Warehouse Lead", "Service Desk Analyst", "CTO", "Customer Success Lead", "HR Coordinator",
    "System Administrator", "Purchasing Manager", "Network Engineer", "Controller",
    "Logistics Coordinator", "Managing Director", "Field Service Manager", "Team Lead, Support",
];

pub const COMPANY_STEMS: &[&str] = &[
    "Nordvik", "Fjällbacka", "Solberg", "Lindholmen", "Kvarn", "Havsörn", "Björkdal", "Ekudden",
    "Granit", "Stormhavn", "Aurora", "Polaris", "Brightwater", "Redwood", "Bluefin",
    "Silverline", "Northwind", "Copperfield", "Greenleaf", "Ironbridge", "Skagen", "Vesterhav",
    "Kestrel", "Oakmont", "Meridian", "Helix", "Lumen", "Cobalt", "Tundra", "Fjord", "Saltsjö",
    "Älvdal", "Runsten", "Midnattsol", "Västkust", "Ljusdal", "Mälar", "Hammarby", "Sundsvik",
    "Falken", "Trana", "Alder", "Birchwood", "Harbor", "Summit", "Crescent", "Evergreen",
    "Pinecrest", "Starling", "Osprey",
];

/// (word in the company name, industry, whether the word is Scandinavian).
pub const SECTORS: &[(&str, &str, bool)] = &[
    ("Logistik", "Transport and logistics", true),
    ("Logistics", "Transport and logistics", false),
    ("Foods", "Food and beverage", false),
    ("Bryggeri", "Food and beverage", true),
    ("Bygg", "Construction", true),
    ("Construction", "Construction", false),
    ("Energi", "Energy", true),
    ("Energy", "Energy", false),
    ("Medical", "Healthcare", false),
    ("Vård", "Healthcare", true),
    ("Analytics", "Software", false),
    ("Software", "Software", false),
    ("Retail", "Retail", false),
    ("Handel", "Retail", true),
    ("Fastigheter", "Real estate", true),
    ("Properties", "Real estate", false),
    ("Consulting", "Professional services", false),
    ("Revision", "Professional services", true),
    ("Marin", "Maritime", true),
    ("Shipping", "Maritime", false),
    ("Telecom", "Telecommunications", false),
    ("Finans", "Financial services", true),
    ("Capital", "Financial services", false),
    ("Insurance", "Insurance", false),
    ("Försäkring", "Insurance", true),
    ("Textil", "Manufacturing", true),
    ("Industries", "Manufacturing", false),
    ("Verkstad", "Manufacturing", true),
    ("Media", "Media", false),
    ("Learning", "Education", false),
    ("Hotels", "Hospitality", false),
    ("Travel", "Travel", false),
];

pub struct City {
    pub name: &'static str,
    pub phone: &'static str,
    pub legal_form: &'static str,
}

/// The first [`NORDIC_CITIES`] are Nordic.
pub const CITIES: &[City] = &[
    City {
        name: "Stockholm",
        phone: "+46 8",
        legal_form: "AB",
    },
    City {
        name: "Göteborg",
        phone: "+46 31",
        legal_form: "AB",
    },
    City {
        name: "Malmö",
        phone: "+46 40",
        legal_form: "AB",
    },
    City {
        name: "Uppsala",
        phone: "+46 18",
        legal_form: "AB",
    },
    City {
        name: "Umeå",
        phone: "+46 90",
        legal_form: "AB",
    },
    City {
        name: "Linköping",
        phone: "+46 13",
        legal_form: "AB",
    },
    City {
        name: "Jönköping",
        phone: "+46 36",
        legal_form: "AB",
    },
    City {
        name: "Oslo",
        phone: "+47 22",
        legal_form: "AS",
    },
    City {
        name: "Bergen",
        phone: "+47 55",
        legal_form: "AS",
    },
    City {
        name: "Trondheim",
        phone: "+47 73",
        legal_form: "AS",
    },
    City {
        name: "København",
        phone: "+45 33",
        legal_form: "A/S",
    },
    City {
        name: "Aarhus",
        phone: "+45 86",
        legal_form: "A/S",
    },
    City {
        name: "Helsinki",
        phone: "+358 9",
        legal_form: "Oy",
    },
    City {
        name: "Tampere",
        phone: "+358 3",
        legal_form: "Oy",
    },
    City {
        name: "Reykjavík",
        phone: "+354 5",
        legal_form: "ehf.",
    },
    City {
        name: "London",
        phone: "+44 20",
        legal_form: "Ltd",
    },
    City {
        name: "Manchester",
        phone: "+44 161",
        legal_form: "Ltd",
    },
    City {
        name: "Dublin",
        phone: "+353 1",
        legal_form: "Ltd",
    },
    City {
        name: "Amsterdam",
        phone: "+31 20",
        legal_form: "B.V.",
    },
    City {
        name: "Berlin",
        phone: "+49 30",
        legal_form: "GmbH",
    },
    City {
        name: "Hamburg",
        phone: "+49 40",
        legal_form: "GmbH",
    },
    City {
        name: "New York",
        phone: "+1 212",
        legal_form: "Inc.",
    },
    City {
        name: "Chicago",
        phone: "+1 312",
        legal_form: "Inc.",
    },
    City {
        name: "Toronto",
        phone: "+1 416",
        legal_form: "Inc.",
    },
    City {
        name: "Austin",
        phone: "+1 512",
        legal_form: "Inc.",
    },
];
pub const NORDIC_CITIES: usize = 15;
