"""Synthetic long-document QA generator for the demo model.

Seeded and deterministic: the same (seed, split, target_tokens) always yields the
same example. Documents are prose about fictional towns / companies / expeditions,
with facts (codes, dates, amounts, places, relations) embedded at random positions,
plus distractor facts about similar-looking entities with the same attribute types.

TRAIN and EVAL use disjoint pools of first names, last names, fact templates and
filler templates, so held-out evaluation measures retrieval of entities and
phrasings the model never saw.

Prompt format (fixed; the app builds it exactly like this):

    Document:\n{document}\n\nQuestion: {question}\nAnswer:

and the model continues with

    " The {attribute} of {name} is {value}." followed by <|endoftext|>

Usage:
    python data.py --split eval --n 3 --tokens 1000         # print examples
    python data.py --corpus out.txt --n 4000                  # text for tokenizer
    python data.py --samples samples/                         # write shipped samples
"""
import argparse
import json
import os
import random
import re
import string

EOS = "<|endoftext|>"

# ----------------------------------------------------------------------------------
# name pools (TRAIN / EVAL disjoint)
FIRST_TRAIN = """Mira Tomas Elena Jonas Anika Pavel Rosa Henrik Lena Marco Ida Felix Nora Victor
Alma Oskar Greta Milan Sofia Emil Clara Anton Hedda Lukas Vera Matteo Livia Bruno Inga Karl Talia
Simon Ruth Dario Esther Hugo Maren Leon Petra Ivo Selma Aron Dalia Nils Fiona Otto Yara Ralf Celia
Boris Ada Gustav Mila Tobias Edda Ruben Helga Samir Lotte Viktor Irene Malik Katja Joel Signe Pablo
Wanda Erik Nadia Fabian Liesel Omar Britta Levi Zora Stefan Agnes Hamid Juno Lars Rita Cyril Thea
Adrian Mona Basil Elsa Dmitri Flora Gideon Hanne Isak Jana Kasimir Linnea Magnus Nina""".split()
LAST_TRAIN = """Castell Varga Lindqvist Okafor Brandt Moreau Halvorsen Petrov Quinlan Ferreira
Novak Adler Soren Kowalski Marchetti Engel Dubois Haddad Strand Vogel Reyes Albers Maddox Janssen
Corvin Falk Lowell Ibarra Brenner Sato Hollis Renner Calloway Vidal Ostrom Mercer Tanaka Wilde
Barros Keller Lund Fontaine Greer Mahler Rask Dunmore Abbot Kessler Navarro Holm Ashby Lorenz
Pruitt Solberg Winther Yilmaz Carden Eklund Farrow Gallo Hartmann Iversen Juhl Kaplan Larkin
Mendez Nyberg Orsini Pelham Rowan Sandoval Thorne Ulrich Valente Whitlock Zeller Bauer Crane
Drummond Esposito Fischer Garnier Hoyt""".split()
FIRST_EVAL = """Astrid Benedikt Corinna Desmond Elin Florian Gunnar Hilde Ilse Jasper Kirsten
Lorenzo Marit Nikolai Ottilie Priya Quentin Runa Severin Tamsin Ulla Valentin Wilma Xaver Yvette
Zeno Annika Bastian Cosima Dagny""".split()
LAST_EVAL = """Aldridge Bergstrom Caruso Delacroix Eriksen Fairweather Grimaldi Hoffmeyer
Ingram Jovanovic Kierkegaard Lachance Mortensen Nakamura Oyelaran Pfeiffer Quarles Rosenthal
Szabo Trevelyan Underwood Vasquez Wojcik Xiong Yardley Zimmerli Achterberg Blomqvist""".split()

PLACES_TRAIN = """Harrowgate Windmere Kestrel Point Lowbridge Ambervale Stonehaven Redfern Marsh
Elmstead Coldwater Bay Fenwick Ridgemont Saltcross Brightwater Duskwood Thornbury Ashford Mill
Greywell Oakhollow Pinecrest Marlow Heights""".split("\n")
PLACES_TRAIN = [p.strip() for l in PLACES_TRAIN for p in l.split("  ") if p.strip()]
PLACES_TRAIN = ["Harrowgate", "Windmere", "Kestrel Point", "Lowbridge", "Ambervale", "Stonehaven",
                "Redfern Marsh", "Elmstead", "Coldwater Bay", "Fenwick", "Ridgemont", "Saltcross",
                "Brightwater", "Duskwood", "Thornbury", "Ashford Mill", "Greywell", "Oakhollow",
                "Pinecrest", "Marlow Heights", "Westerby", "Fallowfield", "Norcastle", "Ebbington"]
PLACES_EVAL = ["Quillhaven", "Sorrento Flats", "Vantry", "Gullmoor", "Ivybridge", "Caskfield",
               "Tamarind Cove", "Orlen Ridge", "Whistlecombe", "Beaconsfold"]
PROJECTS_TRAIN = ["Heron", "Lantern", "Granite", "Willow", "Falcon", "Juniper", "Cobalt", "Ember",
                  "Meridian", "Sparrow", "Tundra", "Orchid", "Basalt", "Harbor", "Quartz", "Nimbus",
                  "Saffron", "Glacier", "Kestrel", "Mosaic"]
PROJECTS_EVAL = ["Aurora", "Bramble", "Cinder", "Driftwood", "Echo", "Foxglove", "Gossamer",
                 "Halcyon"]

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]

# ----------------------------------------------------------------------------------
# attributes: name used in question/answer, value generator
def _code(r):
    return str(r.randint(1000, 9999))


def _badge(r):
    return str(r.randint(10000, 99999))


def _date(r):
    return f"{r.choice(MONTHS)} {r.randint(1, 28)}, {r.randint(1978, 2025)}"


def _amount(r):
    return f"${r.randint(1, 98)},{r.randint(0, 999):03d}"


def _room(r):
    return str(r.randint(100, 899))


def _ext(r):
    return str(r.randint(200, 999)) + "-" + str(r.randint(10, 99))


ATTRS = {
    # key: (attribute phrase, value kind)
    "code": ("access code", _code),
    "badge": ("badge number", _badge),
    "start": ("start date", _date),
    "budget": ("budget", _amount),
    "room": ("office room", _room),
    "phone": ("phone extension", _ext),
    "city": ("home town", "place"),
    "manager": ("manager", "person"),
    "project": ("project", "project"),
}

# fact templates: {n}=name, {v}=value. Disjoint for train / eval.
FACT_TRAIN = {
    "code": ["{n}'s access code is {v}.", "The access code of {n} is {v}.",
             "For the north door, {n} uses the access code {v}.",
             "Security records show that the access code of {n} is {v}.",
             "{n} was given the access code {v} last spring."],
    "badge": ["{n}'s badge number is {v}.", "The badge number of {n} is {v}.",
              "{n} wears badge number {v} at the gate.",
              "According to the registry, the badge number of {n} is {v}."],
    "start": ["{n}'s start date is {v}.", "The start date of {n} is {v}.",
              "{n} joined the team with a start date of {v}.",
              "Payroll shows that {n} has a start date of {v}."],
    "budget": ["{n}'s budget is {v}.", "The budget of {n} is {v}.",
               "{n} was approved for a budget of {v}.",
               "The finance office set the budget of {n} at {v}."],
    "room": ["{n}'s office room is {v}.", "The office room of {n} is {v}.",
             "{n} works out of office room {v} on the second floor.",
             "Visitors can find {n} in office room {v}."],
    "phone": ["{n}'s phone extension is {v}.", "The phone extension of {n} is {v}.",
              "{n} can be reached at phone extension {v}.",
              "The directory lists {n} at phone extension {v}."],
    "city": ["{n}'s home town is {v}.", "The home town of {n} is {v}.",
             "The records give {n} the home town {v}.",
             "Everyone knows that the home town of {n} is {v}."],
    "manager": ["{n}'s manager is {v}.", "The manager of {n} is {v}.",
                "{n} reports to the manager {v}.",
                "On the chart, the manager of {n} appears as {v}."],
    "project": ["{n}'s project is {v}.", "The project of {n} is {v}.",
                "{n} spends most days on the project {v}.",
                "The planning board assigned {n} to the project {v}."],
}
FACT_EVAL = {
    "code": ["In the logbook, the access code of {n} reads {v}.",
             "{n} keys in the access code {v} each morning."],
    "badge": ["Printed on the card of {n} is badge number {v}.",
              "{n} was issued badge number {v} in the autumn."],
    "start": ["The files record that {n} has a start date of {v}.",
              "{n} began work with a start date of {v}."],
    "budget": ["{n} was granted a budget of {v}.",
               "The ledger gives {n} a budget of {v}."],
    "room": ["Mail for {n} goes to office room {v}.",
             "{n} keeps a desk in office room {v}."],
    "phone": ["To call {n}, dial phone extension {v}.",
              "The phone extension of {n} was changed to {v}."],
    "city": ["For {n}, the home town has always been {v}.",
             "The home town of {n} has always been {v}."],
    "manager": ["These days {n} answers to the manager {v}.",
                "The manager of {n} has been {v} since the reorganisation."],
    "project": ["Most of the time {n} is busy with the project {v}.",
                "{n} leads the project {v} this year."],
}

# Composed fact phrasings (training only). A handful of fixed templates per attribute lets a model
# learn where each template puts the value instead of learning to read it: measured on the earlier
# demo model (teacher-forced, 1000-token documents, training names and filler), held-out templates
# alone dropped the value from 90% to 47% correct. Composing phrasings from parts gives thousands
# per attribute, none of them a held-out template (checked by `--check-splits`, held_out_leaks).
_OPEN = ["", "In the records, ", "According to the notes, ", "As far as anyone knows, ", "For the record, ",
         "At the time, ", "By now, ", "On paper, ", "In the end, ", "Back then, ", "After some delay, ",
         "As agreed, ", "Officially, ", "On the list, ", "Per the register, ", "In the minutes, ",
         "Last week, ", "Without fuss, ", "Once again, ", "If the notes are right, "]
_HAS = ["has", "was given", "received", "holds", "got", "was assigned", "is listed with", "uses", "kept",
        "still has", "was handed", "ended up with", "is noted with", "was allotted", "now has"]
_IS = ["is", "was", "remains", "became", "is listed as", "is noted as", "is recorded as", "stays",
       "appears as", "is set to", "was set to", "is still", "turned out to be", "was put down as",
       "is given as", "now reads",
       # perfect and other verb forms: without them the model had never seen "has ... been" before a
       # value and answered every held-out "… has always been {v}." with a training place (0/29)
       "has been", "had been", "has long been", "has remained", "has become", "had become", "used to be",
       "will be", "would be", "should be", "seems to be", "has been set to", "has just been changed to",
       "has stayed", "had stayed", "is now", "was once", "has for years been", "has never stopped being",
       "is said to be", "was last recorded as", "will remain"]
_FOR = ["for", "assigned to", "belonging to", "listed for", "noted for", "held by", "used by", "given to"]
_MID = ["arrived early", "moved offices twice", "came back from leave", "stayed on", "signed the form",
        "asked about it", "filled in the papers", "was away for a while", "joined late", "checked the list"]
_TAIL = ["", "", "", " for now", " until further notice", " at the moment", " as of last week",
         " according to the office", " on the main site", " again", ", as before", ", it seems",
         " after the change", " without exception", " on every form",
         # tails of several words after the value, so the answer learns where a value ends
         " since the move", " since the spring", " this month", " every week", " in the winter",
         " most days", " during the review", " after the merger", " all season", ", or so the office says",
         ", which nobody questioned", " and nothing has changed since", ", as the form shows",
         " since she came back", " since he came back", " by common agreement", " two years running",
         " on the new chart", " in every list", " for the whole quarter"]
# value-first verbs ("{v} {_REV} the {a} of {n}") and third parties that give a value to someone
_REV = ["is", "was", "has been", "remains", "is listed as", "was recorded as", "became", "is still",
        "stands as", "appears as"]
_SOURCE = ["The office", "The registry", "The old form", "The directory", "The team sheet", "The archive",
           "The new chart", "The handbook", "The roster", "The contract"]
_GIVES = ["lists", "assigns", "shows", "records", "gives", "names", "notes", "puts down"]
_CLAUSE = ["When asked, {n} said that", "Once settled, {n} confirmed that", "In a short note, {n} wrote that",
           "As {n} explained,", "Before leaving, {n} mentioned that", "According to {n},"]


def composed_fact_template(rng, attr_phrase):
    """One training phrasing composed from parts, e.g. 'Back then, the budget held by {n} was put down
    as {v} for now.' or '{v} has been the office room of {n} since the move.'"""
    a = attr_phrase
    kind = rng.randrange(10)
    if kind == 0:
        body = f"{{n}} {rng.choice(_HAS)} {rng.choice(['the ', ''])}{a} {{v}}"
    elif kind == 1:
        body = f"the {a} of {{n}} {rng.choice(_IS)} {{v}}"
    elif kind == 2:
        body = f"{{n}}'s {a} {rng.choice(_IS)} {{v}}"
    elif kind == 3:
        body = f"the {a} {rng.choice(_FOR)} {{n}} {rng.choice(_IS)} {{v}}"
    elif kind == 4:
        body = f"{{n}} {rng.choice(_HAS)} {'an' if a[0] in 'aeiou' else 'a'} {a} of {{v}}"
    elif kind == 5:
        body = f"{{n}} {rng.choice(_MID)}, and the {a} {rng.choice(_FOR)} {{n}} {rng.choice(_IS)} {{v}}"
    elif kind == 6:
        body = f"{{v}} {rng.choice(_REV)} the {a} {rng.choice(['of', 'for', 'given to'])} {{n}}"
    elif kind == 7:
        body = f"{rng.choice(_SOURCE)} {rng.choice(_GIVES)} {{n}} {rng.choice(['with the ', 'under the ', 'the '])}{a} {{v}}"
    elif kind == 8:
        body = f"{rng.choice(_CLAUSE)} the {a} {rng.choice(_IS)} {{v}}"
    else:
        body = f"for {{n}}, the {a} {rng.choice(_IS)} {{v}}"
    opener = "" if kind in (6, 7, 8) else rng.choice(_OPEN)
    t = opener + body + rng.choice(_TAIL) + "."
    return t[0].upper() + t[1:] if not t.startswith("{") else t


QUESTION = "What is the {a} of {n}?"
ANSWER = " The {a} of {n} is {v}."

# ----------------------------------------------------------------------------------
# filler prose
THEMES = {
    "town": dict(
        subj=["The old mill", "The harbour", "The market square", "The town council", "The bakery on the hill",
              "The lighthouse", "The river path", "The library", "The fishing fleet", "The school choir",
              "The bell tower", "The ferry", "The orchard", "The night watch", "The village green"],
        verb=["was repainted", "drew a large crowd", "stayed quiet", "was busy", "closed early",
              "opened late", "needed repairs", "was decorated with lanterns", "smelled of bread",
              "was covered in fog"],
        when=["in the morning", "after the storm", "during the festival", "on most Sundays",
              "before the winter", "at dusk", "in early summer", "for a whole week", "last year",
              "when the tide was low"]),
    "company": dict(
        subj=["The quarterly meeting", "The sales team", "The new warehouse", "The design group",
              "The support desk", "The board", "The cafeteria", "The logistics office", "The server room",
              "The training program", "The marketing plan", "The audit", "The press release",
              "The parking garage", "The research lab"],
        verb=["ran longer than planned", "was reorganised", "moved to the third floor", "missed its target",
              "received new equipment", "was praised by customers", "ran out of coffee",
              "was delayed again", "hired two interns", "was discussed at length"],
        when=["in the first quarter", "after the merger", "on Monday", "during the audit",
              "before the holidays", "at the end of the month", "for the third time", "this spring",
              "without much notice", "while the director was away"]),
    "expedition": dict(
        subj=["The supply sled", "The base camp", "The northern ridge", "The radio", "The glacier",
              "The lead dog", "The weather balloon", "The second tent", "The food cache", "The survey team",
              "The old map", "The ice field", "The compass", "The rope team", "The snow bridge"],
        verb=["was buried by snow", "held up well", "had to be abandoned", "was checked twice",
              "failed in the cold", "was repaired by hand", "looked different than expected",
              "moved slowly", "was marked with flags", "gave them trouble"],
        when=["on the fourth day", "during the blizzard", "at first light", "after a long climb",
              "before the descent", "in the thin air", "near the pass", "that evening",
              "for three days", "under a clear sky"]),
}
FILLER_TRAIN = [
    "{S} {V} {W}.", "{W}, {s} {V}.", "Nobody was surprised that {s} {V} {W}.",
    "Some people said {s} {V} {W}, but others disagreed.", "It was noted that {s} {V}.",
    "{S} {V}, and the weather stayed mild {W}.", "According to the notes, {s} {V} {W}.",
    "{S} {V} {W}, which pleased almost everyone.", "As usual, {s} {V}.",
    "The report mentioned that {s} {V} {W}.", "{S} {V} again {W}.",
    "Later, {s} {V} and the day went on.",
]
FILLER_EVAL = [
    "Few remember whether {s} {V} {W}.", "{W}, it seems, {s} {V}.",
    "The diary claims {s} {V} {W}.", "Oddly enough, {s} {V} {W}.",
]
GENERIC_TRAIN = ["The weather was cold and clear.", "Everyone went home early that day.",
                 "There was little else to report.", "The work continued as planned.",
                 "A few letters arrived in the afternoon.", "Nothing unusual happened after that.",
                 "The plans were written down carefully.", "Most of the staff agreed."]
GENERIC_EVAL = ["The evening passed without incident.", "Tea was served at four."]
_HELD_OUT_WORDS = set(FIRST_EVAL) | set(LAST_EVAL) | set(PLACES_EVAL) | set(PROJECTS_EVAL)


def _pools(split):
    if split == "train":
        return dict(first=FIRST_TRAIN, last=LAST_TRAIN, places=PLACES_TRAIN, projects=PROJECTS_TRAIN,
                    facts=FACT_TRAIN, filler=FILLER_TRAIN, generic=GENERIC_TRAIN)
    if split == "eval":
        return dict(first=FIRST_EVAL, last=LAST_EVAL, places=PLACES_EVAL, projects=PROJECTS_EVAL,
                    facts=FACT_EVAL, filler=FILLER_EVAL, generic=GENERIC_EVAL)
    raise ValueError(split)


def approx_tokens(text):
    return max(1, len(text) // 4)


# Composed filler (training only): the fixed filler templates are a dozen sentence shapes, and held-out
# filler alone cost the earlier model a quarter of its held-out values (teacher-forced diagnostic,
# heldout_gap.py). Openers and second clauses give the prose around a fact more shapes.
_FILLER_OPEN = ["", "", "Strangely, ", "In truth, ", "By all accounts, ", "Apparently, ", "Even so, ",
                "For a while, ", "Some recall that ", "The log says that ", "Rumour had it that ",
                "Without warning, ", "To nobody's surprise, ", "Much later, ", "At one point, ",
                "Looking back, ", "The newsletter said that ", "Again and again, "]
_FILLER_JOIN = [", and ", ", while ", ", but ", ", so ", " because ", " until ", ", although "]


def _composed_filler(rng, T):
    s1, s2 = rng.choice(T["subj"]), rng.choice(T["subj"])
    first = f"{s1[0].lower() + s1[1:]} {rng.choice(T['verb'])}"
    if rng.random() < 0.6:
        first += " " + rng.choice(T["when"])
    if rng.random() < 0.5:
        first += rng.choice(_FILLER_JOIN) + f"{s2[0].lower() + s2[1:]} {rng.choice(T['verb'])}"
    t = rng.choice(_FILLER_OPEN) + first + "."
    return t[0].upper() + t[1:]


def _filler_sentence(rng, P, theme, compose_p=0.0):
    if rng.random() < 0.12:
        return rng.choice(P["generic"])
    T = THEMES[theme]
    if compose_p > 0 and rng.random() < compose_p:
        return _composed_filler(rng, T)
    s = rng.choice(T["subj"])
    w = rng.choice(T["when"])
    t = rng.choice(P["filler"])
    out = t.format(S=s, s=s[0].lower() + s[1:], V=rng.choice(T["verb"]), W=w[0].upper() + w[1:] if t.startswith("{W}") else w)
    return out


# Synthetic words for training: an endless supply of names, places and projects made of syllables,
# which the tokenizer splits into several pieces, as it splits the held-out names. Without them every
# training name is one token (the BPE learnt them) and the model never practises copying a name
# that spans several tokens, which is all it meets at evaluation.
_ONSET = ["b", "br", "d", "dr", "f", "g", "gr", "h", "j", "k", "kr", "l", "m", "n", "p", "r", "s",
          "st", "t", "tr", "v", "w", "z", "sh", "th", "ch"]
_VOWEL = ["a", "e", "i", "o", "u", "a", "e", "i", "o", "ei", "ou", "y"]
_CODA = ["", "", "", "n", "r", "l", "s", "m", "k", "th", "nd", "rt"]
_PLACE_END = ["ford", "ton", "mere", "by", "stead", "wick", "haven", "field", "moor", " Cove", " Ridge"]


def _syllables(rng, n):
    """n open syllables, the last one maybe closed: 'Tomar', 'Veliko', 'Sanuth'."""
    return "".join(rng.choice(_ONSET) + rng.choice(_VOWEL) + (rng.choice(_CODA) if i == n - 1 else "")
                   for i in range(n))


_PIECES = None


def _vocab_pieces():
    """Word-start pieces (' Kr', ' Tho') and word-continuation pieces ('ff', 'ick') of the demo
    tokenizer's vocabulary, at most 5 letters. Read from tokenizer.json with the json module, so
    data.py needs no tokenizers package; byte-level BPE writes the leading space as 'Ġ'."""
    global _PIECES
    if _PIECES is None:
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "tokenizer.json")) as f:
            vocab = json.load(f)["model"]["vocab"]
        starts = sorted(k[1:] for k in vocab if re.fullmatch("\u0120[A-Z][a-z]{0,4}", k))
        conts = sorted(k for k in vocab if re.fullmatch("[a-z]{1,5}", k))
        # capitals with no ' X'-style piece: a word starting with one is cut into a bare-space token
        # and the letter (' Xaver' -> ' ', 'X', 'a', 'ver'), a shape no other training word has
        unmerged_caps = sorted(c for c in string.ascii_uppercase if "\u0120" + c not in vocab)
        _PIECES = (starts, conts, unmerged_caps)
    return _PIECES


def synthetic_word(rng, kind):
    """kind: 'first' | 'last' | 'place' | 'project'. Never one of the held-out pools' words."""
    while True:
        u = rng.random()
        if kind in ("first", "last") and u < 0.35:
            # a name built from the tokenizer's own pieces ('Kr' + 'ick' + 'en'): every word-continuation
            # piece takes part in names, as the pieces of unseen names do ('Pfei' + 'ffer'). Measured on
            # the earlier demo model (no such names): it restated 45% of held-out names correctly
            # (teacher-forced, 1000-token documents), 100% of training names.
            starts, conts, unmerged_caps = _vocab_pieces()
            # one in ten of these names starts with such a capital. The model trained without them
            # got 2 of 15 held-out questions about 'Xaver' or 'Xiong' right (often restating a number
            # in place of the name) against 80% overall; the first one trained with them 13 of 15.
            start = rng.choice(unmerged_caps) if unmerged_caps and rng.random() < 0.1 else rng.choice(starts)
            w = start + "".join(rng.choice(conts) for _ in range(rng.randint(1, 2)))
            if len(w) < 3:
                continue
        elif kind in ("first", "last") and u < 0.7:
            # a splice of two training names ('Lor' + 'vist'): real-looking names that the tokenizer
            # cuts into the uneven pieces real held-out names get, unlike the syllable words
            pool = FIRST_TRAIN if kind == "first" else LAST_TRAIN
            a, b = rng.choice(pool), rng.choice(pool)
            w = a[:rng.randint(1, max(1, len(a) - 2))] + b[rng.randint(1, max(1, len(b) - 2)):]
            if len(w) < 4 or w in pool:
                continue
        elif kind == "place":
            w = _syllables(rng, rng.randint(1, 2)) + rng.choice(_PLACE_END)
        else:
            w = _syllables(rng, rng.randint(2, 3))
        w = w[0].upper() + w[1:]
        if w not in _HELD_OUT_WORDS:
            return w


def _word(rng, P, kind, synth_p):
    if synth_p > 0 and rng.random() < synth_p:
        return synthetic_word(rng, kind)
    return rng.choice(P[{"first": "first", "last": "last", "place": "places", "project": "projects"}[kind]])


def _value(rng, P, kind_fn, people, synth_p=0.0):
    if kind_fn == "place":
        return _word(rng, P, "place", synth_p)
    if kind_fn == "project":
        return _word(rng, P, "project", synth_p)
    if kind_fn == "person":
        return rng.choice(people)
    return kind_fn(rng)


def make_example(rng, split="train", target_tokens=1000, n_questions=1, count_fn=approx_tokens,
                 theme=None, canon_p=0.0, synth_p=0.0, distract_p=0.5, people_per_fact=0.5,
                 compose_p=0.0, filler_compose_p=0.0):
    """Return dict(document, qa=[dict(question, answer, name, attribute, value)], theme).

    rng: random.Random; split: 'train' or 'eval'; target_tokens: approx document length.
    count_fn: token counter used to reach target_tokens (default: chars/4).
    canon_p: probability that a fact uses the answer's own phrasing ("The {attribute} of {name} is
    {value}."), which plain copying (an induction head) can answer; the training curriculum raises
    it on short documents so that retrieval appears early, then drops it.
    synth_p: probability that a name part, place or project is a synthetic word (training only).
    distract_p: probability that a new person shares a first or last name with an earlier one.
    people_per_fact: people per fact (1.0 = one fact per person: the name alone finds the fact).
    compose_p: probability that a fact is phrased by composed_fact_template (training only).
    filler_compose_p: probability that a filler sentence is composed by _composed_filler (training only).
    At their defaults (0, 0.5, 0.5, 0, 0) no extra random numbers are drawn, so eval sets depend only
    on the seed.
    """
    P = _pools(split)
    theme = theme or rng.choice(list(THEMES))
    n_facts = max(3, int(target_tokens / 55))
    if people_per_fact == 0.5:
        n_people = max(2, min(n_facts // 2 + 1, 40))
    else:
        n_people = max(2, min(int(round(n_facts * people_per_fact)) + 1, 60))
    # people: build clusters of similar names (shared first or last name) as distractors
    people = []
    seen = set()
    while len(people) < n_people:
        if people and rng.random() < distract_p:
            base = people[rng.randrange(len(people))].split(" ", 1)
            if rng.random() < 0.5:
                nm = f"{base[0]} {_word(rng, P, 'last', synth_p)}"
            else:
                nm = f"{_word(rng, P, 'first', synth_p)} {base[1]}"
        else:
            nm = f"{_word(rng, P, 'first', synth_p)} {_word(rng, P, 'last', synth_p)}"
        if nm not in seen:
            seen.add(nm)
            people.append(nm)
    # facts: (person, attr) unique; values of the same attribute distinct across people
    facts = {}
    used_vals = {}
    attr_keys = list(ATTRS)
    tries = 0
    while len(facts) < n_facts and tries < n_facts * 20:
        tries += 1
        p = rng.choice(people)
        a = rng.choice(attr_keys)
        if (p, a) in facts:
            continue
        kind = ATTRS[a][1]
        others = [q for q in people if q != p]
        v = _value(rng, P, kind, others, synth_p)
        if v in used_vals.setdefault(a, set()) and kind not in ("place", "project", "person"):
            continue
        used_vals[a].add(v)
        facts[(p, a)] = v
    fact_sents = []
    for (p, a), v in facts.items():
        t = rng.choice(P["facts"][a])
        if compose_p > 0 and rng.random() < compose_p:
            t = composed_fact_template(rng, ATTRS[a][0])
        if canon_p > 0 and rng.random() < canon_p:
            t = ANSWER.strip().replace("{a}", ATTRS[a][0])
            t = t[0].upper() + t[1:]
        fact_sents.append(t.format(n=p, v=v))
    # filler up to target length
    fact_tok = sum(count_fn(" " + s) for s in fact_sents)
    sents = []
    tok = fact_tok
    while tok < target_tokens:
        s = _filler_sentence(rng, P, theme, filler_compose_p)
        sents.append(s)
        tok += count_fn(" " + s)
    # insert facts at random positions
    for s in fact_sents:
        sents.insert(rng.randint(0, len(sents)), s)
    # paragraphs
    paras, cur = [], []
    for s in sents:
        cur.append(s)
        if len(cur) >= 3 and rng.random() < 0.25:
            paras.append(" ".join(cur))
            cur = []
    if cur:
        paras.append(" ".join(cur))
    doc = "\n\n".join(paras)
    # questions about distinct facts
    keys = list(facts)
    rng.shuffle(keys)
    qa = []
    for (p, a) in keys[:n_questions]:
        aname = ATTRS[a][0]
        v = facts[(p, a)]
        qa.append(dict(question=QUESTION.format(a=aname, n=p), answer=ANSWER.format(a=aname, n=p, v=v),
                       name=p, attribute=aname, value=v))
    return dict(document=doc, qa=qa, theme=theme)


def build_prompt(document, question):
    """The fixed prompt format. The model continues with ANSWER text then <|endoftext|>."""
    return f"Document:\n{document}\n\nQuestion: {question}\nAnswer:"


def eval_set(n, target_tokens, seed=1234, count_fn=approx_tokens, split="eval"):
    rng = random.Random(seed * 100003 + target_tokens + (0 if split == "eval" else 7))
    return [make_example(rng, split, target_tokens, 1, count_fn) for _ in range(n)]


# ----------------------------------------------------------------------------------
def held_out_leaks(text):
    """What of the held-out split occurs in `text`: whole held-out words (names, places, projects) and
    held-out sentence templates (fact, filler and generic), each template matched within one sentence
    with its placeholders filled by anything."""
    leaks = [w for w in sorted(_HELD_OUT_WORDS) if re.search(r"\b" + re.escape(w) + r"\b", text)]
    templates = [t for ts in FACT_EVAL.values() for t in ts] + FILLER_EVAL + GENERIC_EVAL
    for t in templates:
        parts = re.split(r"\{\w+\}", t)
        if re.search(r"[^.\n]*?".join(re.escape(p) for p in parts), text):
            leaks.append(t)
    return leaks


def check_splits(n_docs, seed=0):
    """Training documents drawn with every option the training curriculum uses (synthetic names,
    composed phrasings, canonical phrasings, look-alike names) never contain a held-out word or
    phrasing. Returns the list of leaks (empty = disjoint)."""
    rng = random.Random(seed)
    leaks = []
    for i in range(n_docs):
        ex = make_example(rng, "train", rng.choice([60, 300, 1200]), n_questions=3,
                          canon_p=rng.choice([0.0, 0.25, 0.5]), synth_p=0.9, compose_p=0.6, filler_compose_p=0.5,
                          distract_p=rng.choice([0.0, 0.5]), people_per_fact=rng.choice([0.5, 1.0]))
        text = ex["document"] + "\n" + "\n".join(q["question"] + q["answer"] for q in ex["qa"])
        leaks += [(i, leak) for leak in held_out_leaks(text)]
    return leaks


def write_samples(outdir, count_fn=approx_tokens):
    os.makedirs(outdir, exist_ok=True)
    specs = [("expedition_log.txt", "expedition", 3000, 11), ("company_memo.md", "company", 4000, 12),
             ("town_chronicle.txt", "town", 2000, 13)]
    index = []
    for fname, theme, toks, seed in specs:
        rng = random.Random(seed)
        ex = make_example(rng, "eval", toks, n_questions=6, count_fn=count_fn, theme=theme)
        doc = ex["document"]
        if fname.endswith(".md"):
            title = {"company": "# Internal memo: staff records and notes"}[theme]
            doc = title + "\n\n" + doc
        with open(os.path.join(outdir, fname), "w") as f:
            f.write(doc + "\n")
        index.append(dict(file=fname, approx_tokens=toks,
                          questions=[dict(question=q["question"], expected_answer=q["answer"].strip(),
                                          value=q["value"]) for q in ex["qa"]]))
    with open(os.path.join(outdir, "questions.json"), "w") as f:
        json.dump(index, f, indent=2)
    with open(os.path.join(outdir, "QUESTIONS.md"), "w") as f:
        f.write("# Example questions for the sample documents\n\n"
                "Prompt format: `Document:\\n{file text, trailing whitespace stripped}\\n\\nQuestion: {question}\\nAnswer:`\n\n"
                "These documents use held-out (eval split) names and phrasings the model never saw in training.\n\n")
        for it in index:
            f.write(f"## {it['file']} (~{it['approx_tokens']} tokens)\n\n")
            for q in it["questions"]:
                f.write(f"- Q: {q['question']}\n  - Expected: {q['expected_answer']}\n")
            f.write("\n")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="train", choices=["train", "eval"])
    ap.add_argument("--n", type=int, default=2)
    ap.add_argument("--tokens", type=int, default=600)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--corpus", help="write a text corpus (train split, many lengths) for tokenizer training")
    ap.add_argument("--samples", help="write the shipped sample documents to this folder")
    ap.add_argument("--check-splits", type=int, metavar="N",
                    help="draw N training documents and report any held-out word or phrasing in them")
    args = ap.parse_args()
    if args.check_splits:
        found = check_splits(args.check_splits, args.seed)
        if found:
            for i, leak in found[:20]:
                print(f"training document {i} contains held-out {leak!r}")
            raise SystemExit(1)
        print(f"check-splits: {args.check_splits} training documents, no held-out word or phrasing")
    elif args.samples:
        from tokenizers import Tokenizer  # document lengths measured with the demo tokenizer
        _t = Tokenizer.from_file(os.path.join(os.path.dirname(os.path.abspath(__file__)), "tokenizer.json"))
        write_samples(args.samples, lambda s: len(_t.encode(s).ids))
    elif args.corpus:
        rng = random.Random(args.seed)
        with open(args.corpus, "w") as f:
            for i in range(args.n):
                ex = make_example(rng, "train", rng.choice([200, 400, 800]), n_questions=3)
                f.write(ex["document"] + "\n\n")
                for q in ex["qa"]:
                    f.write(f"Question: {q['question']}\nAnswer:{q['answer']}\n")
                f.write("\n")
    else:
        rng = random.Random(args.seed)
        for _ in range(args.n):
            ex = make_example(rng, args.split, args.tokens)
            print(build_prompt(ex["document"], ex["qa"][0]["question"]) + ex["qa"][0]["answer"])
            print("=" * 60)
