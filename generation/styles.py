"""The dance styles and learner levels the product offers: the one list everything imports."""

LEVELS = ("beginner", "intermediate", "advanced")

# style slug -> (display name, data source). Minutes of data per style: see the model card.
STYLES = {
    "waltz": ("Waltz", "ballroom"),
    "tango": ("Tango", "ballroom"),
    "cha-cha": ("Cha-cha", "ballroom"),
    "rumba": ("Rumba", "ballroom"),
    "salsa": ("Salsa", "cmu"),
    "break": ("Break", "aistpp"),
    "pop": ("Pop", "aistpp"),
    "lock": ("Lock", "aistpp"),
    "middle-hiphop": ("Middle hip-hop", "aistpp"),
    "la-hiphop": ("LA-style hip-hop", "aistpp"),
    "house": ("House", "aistpp"),
    "waack": ("Waack", "aistpp"),
    "krump": ("Krump", "aistpp"),
    "street-jazz": ("Street jazz", "aistpp"),
    "ballet-jazz": ("Ballet jazz", "aistpp"),
}
STYLE_CHOICES = tuple((slug, name) for slug, (name, _source) in STYLES.items())
LEVEL_CHOICES = tuple((level, level.capitalize()) for level in LEVELS)
