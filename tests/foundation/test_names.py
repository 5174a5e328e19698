"""Names compared as offices write them: capitals, punctuation, Balinese abbreviations."""

import pytest

from kis_portal.names import names_fit, normalised_name


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
