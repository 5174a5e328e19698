"""Names compared as offices write them: capitals, punctuation, Balinese abbreviations."""

import pytest

from kis_portal.names import name_parts, names_fit, normalised_name


@pytest.mark.parametrize(
    ("written", "registered"),
    [
        ("I Gst. Md. Arsa", "I GUSTI MADE ARSA"),
        ("NI. LUH  PUTU", "NI LUH PUTU"),
        ("Kt. Suardana", "I KETUT SUARDANA"),  # I left out
        ("I KETUT SUARDNA", "I KETUT SUARDANA"),  # one slip in a long part
        ("MD ADI SAPUTRA", "I MADE ADI SAPUTRA"),
        ("Ni Luh Ketut Sari", "NI LUH KETUT SARI"),
        ("I GUSTI MADE ARSA", "I GUSTI NGURAH MADE ARSA"),  # a part left out
    ],
)
def test_spellings_of_one_name_fit(written, registered):
    assert names_fit(written, registered)


@pytest.mark.parametrize(
    ("written", "registered"),
    [
        ("I PUTU ADI SAPUTRA", "I KADEK ADI SAPUTRA"),  # twins
        ("I MADE ADI", "NI MADE ADI"),  # brother and sister
        ("I WAYAN", "I WAYAN SUDARMA"),  # one given name is not enough
        ("I KETUT WIRA", "I KETUT WIDA"),  # short parts allow no slip
        ("", "I MADE ADI"),
    ],
)
def test_different_people_do_not_fit(written, registered):
    assert not names_fit(written, registered)


def test_a_name_is_spelled_out_before_comparing():
    assert normalised_name("i gst. ngr. md-adi") == "I GUSTI NGURAH MADE ADI"


@pytest.mark.parametrize(
    ("first", "second", "fit"),
    [
        # the same parts, whatever the case, accents and punctuation
        ("i made adi", "I MADE ADI", True),
        ("I MADÉ ADI", "I MADE ADI", True),
        ("I MADE, ADI.", "I MADE ADI", True),
        # I/NI on one side only, on either side
        ("MADE ADI SAPUTRA", "I MADE ADI SAPUTRA", True),
        ("I MADE ADI SAPUTRA", "MADE ADI SAPUTRA", True),
        ("NI LUH SARI", "LUH SARI", True),
        # one typing slip, only in parts of five letters or more
        ("I MADE SUARDANA", "I MADE SUARDANO", True),  # one letter changed
        ("I MADE SUARDANA", "I MADE SUARDANAA", True),  # one letter added
        ("I MADE SUARDANAA", "I MADE SUARDANA", True),  # one letter more on the left
        ("I MADE SUARDANA", "I MADE SUARDN", False),  # two letters missing
        ("I MADE SUARDANA", "I MADE SUADRANO", False),  # two changed
        ("I MADE WIRAA", "I MADE WIRA", False),  # WIRA is short: no slip
        ("I WAYAN ADI", "I WAYAM ADI", True),  # five letters: one slip allowed
        ("I MADE SUARDANA", "I MADE SUADRANAA", False),  # a letter more and one moved
        ("MADE MADE", "I MADE ADI SAPUTRA", False),  # each part fits its own part
        ("I ADI", "ADI", True),  # I/NI left out leaves one part
        ("ADI", "I ADI", True),
        ("I MADE ADI", "I MADE ADA", False),  # three letters: none
        # one name leaves out parts: at least two named parts in the same order
        ("MADE SAPUTRA", "I MADE ADI SAPUTRA", True),
        ("I MADE SAPUTRA", "I MADE ADI SAPUTRA", True),
        ("SAPUTRA MADE", "I MADE ADI SAPUTRA", False),  # order matters
        ("I SAPUTRA", "I MADE ADI SAPUTRA", False),  # one named part is too few
        ("MADE SAPUTRA", "I MADE ADI", False),  # SAPUTRA is not there
        ("I MADE ADI SAPUTRA", "MADE SAPUTRA", True),  # the shorter on either side
        ("MADE ADI", "MADE ADI SAPUTRA WIJAYA", True),
        ("ADI WIJAYA", "MADE ADI SAPUTRA WIJAYA", True),
        ("WIJAYA ADI", "MADE ADI SAPUTRA WIJAYA", False),
        ("ADI SAPUTRA WIJAYA", "MADE ADI SAPUTRA", False),  # WIJAYA past the end
        # nothing to compare
        ("I MADE ADI", "", False),
        ("...", "I MADE ADI", False),
        (None, None, False),
    ],
)
def test_names_fit_at_the_edges_of_each_rule(first, second, fit):
    assert names_fit(first, second) is fit


@pytest.mark.parametrize(
    ("written", "parts"),
    [
        ("I Gst. Md.  Adi", ["I", "GUSTI", "MADE", "ADI"]),
        ("AA Ngr Bgs", ["ANAK", "AGUNG", "NGURAH", "BAGUS"]),
        ("Moch. Rizal", ["MUHAMMAD", "RIZAL"]),
        ("Kd. Wyn.", ["KADEK", "WAYAN"]),
        ("Siti Nur'aini", ["SITI", "NUR", "AINI"]),
        ("", []),
        (None, []),
    ],
)
def test_a_name_is_split_into_spelled_out_parts(written, parts):
    assert name_parts(written) == parts
