"""Masking and pseudonymising personal data, and scanning files for leaks."""

from __future__ import annotations

import hashlib
import hmac
import re
import time

import pandas as pd
import pytest

from jixiao import privacy
from jixiao.errors import ParameterError

RAW_NAMES = ["张三", "张三丰", "欧阳娜娜", "王小明"]


def raw_people() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "respondent_id": ["R1", "R2", "R3", "R4"],
            "community": ["浏河社区", "沿河社区", "浏河社区", "沿河社区"],
            "name": ["张三", "张三丰", "欧阳娜娜", "王小明"],
            "phone": ["13812345678", "+86 139-1234-5678", None, "15900001111"],
            "id_number": ["420802199001011234", "42080219851231567x", "420802199203034321", None],
            "note": ["张三说请回电13812345678", "无", "欧阳娜娜身份证420802199203034321", None],
        }
    )


def test_names_keep_the_surname_and_hide_the_given_name_whatever_its_length():
    masked = privacy.mask_names(pd.Series(["张三", "张三丰", "欧阳娜娜", " 王 小明 ", "李", None]))
    assert masked.tolist()[:5] == ["张**", "张**", "欧阳**", "王**", "*"]
    assert pd.isna(masked.iloc[5])


def test_phones_keep_first_three_and_last_four_digits():
    masked = privacy.mask_phones(
        pd.Series(
            ["13812345678", "+86 139-1234-5678", 13700001111.0, "0724-2345678", "12345", None],
            dtype=object,
        )
    )
    assert masked.tolist()[:5] == [
        "138****5678",
        "139****5678",
        "137****1111",
        "072****5678",
        "*****",
    ]
    assert pd.isna(masked.iloc[5])


def test_id_numbers_keep_region_code_and_last_four_and_hide_the_birth_date():
    masked = privacy.mask_ids(
        pd.Series(["420802199001011234", "42080219851231567x", "420802900101123", "12345"])
    )
    assert masked.tolist() == [
        "420802********1234",
        "420802********567X",
        "420802*****1123",
        "*****",
    ]


def test_masked_frame_keeps_no_raw_name_phone_or_id_anywhere():
    raw = raw_people()
    masked = privacy.mask_personal_data(raw, salt="case-2017")
    assert privacy.find_personal_data(masked, names=RAW_NAMES) == []
    text = masked.to_csv(index=False)
    for value in ["13812345678", "1234-5678", "420802199001011234", "199203034321", *RAW_NAMES]:
        assert value not in text
    assert masked["name"].tolist() == ["张**", "张**", "欧阳**", "王**"]
    assert masked["note"].tolist()[:3] == [
        "张**说请回电138****5678",
        "无",
        "欧阳**身份证420802********4321",
    ]


def test_grouped_mobile_numbers_in_free_text_are_masked_too():
    notes = privacy.redact_text(
        pd.Series(["请回电 139-1234-5678 或 138 1234 5678", "编号 12345678901"])
    )
    assert notes.tolist() == ["请回电 139****5678 或 138****5678", "编号 12345678901"]


def test_masking_leaves_the_input_frame_untouched():
    raw = raw_people()
    before = raw.copy()
    privacy.mask_personal_data(raw, salt="case-2017")
    pd.testing.assert_frame_equal(raw, before)


def test_person_key_is_stable_across_calls_and_links_the_same_phone_in_another_file():
    survey = privacy.mask_personal_data(raw_people(), salt="case-2017")
    again = privacy.mask_personal_data(raw_people(), salt="case-2017")
    assert survey["person_key"].tolist() == again["person_key"].tolist()
    assert all(re.fullmatch(r"P-[0-9a-f]{10}", k) for k in survey["person_key"])
    assert survey["person_key"].nunique() == 4
    # The phone interview log has a differently written phone and no ID number.
    interview = pd.DataFrame(
        {"name": ["张三"], "phone": ["138 1234 5678"], "community": ["浏河社区"]}
    )
    assert (
        privacy.mask_personal_data(interview, salt="case-2017")["person_key"].iloc[0]
        == survey["person_key"].iloc[0]
    )


def test_person_key_is_hmac_of_the_scrypt_stretched_normalised_phone():
    import hashlib
    import hmac

    stretched = hashlib.scrypt(
        b"phone:13812345678", salt=b"jixiao person_key v2\x00s", n=2**10, r=8, p=1, dklen=32
    )
    expected = "P-" + hmac.new(b"s", stretched, hashlib.sha256).hexdigest()[:10]
    frame = pd.DataFrame({"phone": ["138-1234-5678"]})
    masked = privacy.mask_personal_data(frame, salt="s")
    assert masked["person_key"].iloc[0] == expected
    assert masked["person_key_basis"].iloc[0] == "phone"


def test_person_key_basis_names_the_column_the_key_came_from():
    frame = pd.DataFrame(
        {
            "name": ["张三", "李四", "王五", None],
            "phone": [
                "13812345678",
                None,
                "12345",
                None,
            ],  # 5 digits is too short to identify anyone
            "id_number": [None, "420802199001011234", None, None],
            "community": "浏河社区",
        }
    )
    basis = privacy.mask_personal_data(frame, salt="s")["person_key_basis"]
    assert basis.tolist()[:3] == ["phone", "id_number", "name"]
    assert pd.isna(basis.iloc[3])


# The first respondent of the 2017 case: 方建, 15695436328, masked 156****6328 in every output.
CASE_PHONE = "15695436328"
PUBLIC_SALT = "jixiao-2017"  # what a reconstructed case uses, published in the code


def _cheap_keys(candidate: str) -> set[str]:
    """Keys an attacker would try first: fast hashes of the phone with the known salt."""
    salt = PUBLIC_SALT.encode()
    found = set()
    for message in (candidate, f"phone:{candidate}"):
        data = message.encode()
        found.add(hmac.new(salt, data, hashlib.sha256).hexdigest()[:10])
        for algorithm in ("sha256", "sha1", "md5"):
            found.add(hashlib.new(algorithm, salt + data).hexdigest()[:10])
            found.add(hashlib.new(algorithm, data + salt).hexdigest()[:10])
    return found


def test_masked_phone_and_public_salt_do_not_give_the_key_back_through_any_fast_hash():
    key = privacy.mask_personal_data(pd.DataFrame({"phone": [CASE_PHONE]}), salt=PUBLIC_SALT)[
        "person_key"
    ].iloc[0]
    masked = privacy.mask_phones(pd.Series([CASE_PHONE])).iloc[0]
    assert masked == "156****6328"
    candidates = [masked.replace("****", f"{i:04d}") for i in range(10_000)]
    assert CASE_PHONE in candidates  # the attack is well-formed: the right number is among them
    hits = [c for c in candidates if key.removeprefix("P-") in _cheap_keys(c)]
    assert hits == []


def test_each_guess_costs_a_slow_key_derivation_not_a_fast_hash():
    candidates = [f"phone:156{i:04d}6328" for i in range(30)]
    started = time.perf_counter()
    for c in candidates:
        hmac.new(PUBLIC_SALT.encode(), c.encode(), hashlib.sha256).hexdigest()
    fast = time.perf_counter() - started
    started = time.perf_counter()
    for c in candidates:
        privacy.pseudonym_key(c, salt=PUBLIC_SALT)
    slow = time.perf_counter() - started
    # ≈ 2 ms against ≈ 2 µs per guess on the project machine; 100× leaves room for a busy CPU.
    assert slow > 100 * fast
    assert (
        slow / len(candidates) * 10_000 > 1.0
    )  # all 10,000 guesses for one person take over a second


def test_keys_computed_together_are_each_identitys_own_key_in_row_order():
    # Enough distinct people that the keys are spread over worker threads.
    identity = pd.Series([f"phone:139{i:08d}" for i in range(300)] * 2 + [pd.NA], dtype="string")
    keys = privacy.pseudonym_keys(identity, salt=PUBLIC_SALT)
    expected = [privacy.pseudonym_key(v, salt=PUBLIC_SALT) for v in identity[:300]] * 2
    assert keys[:600].tolist() == expected
    assert keys.isna().tolist() == [False] * 600 + [True]


def test_different_salts_give_unrelated_keys():
    first = privacy.mask_personal_data(raw_people(), salt="salt-one")["person_key"]
    second = privacy.mask_personal_data(raw_people(), salt="salt-two")["person_key"]
    assert set(first).isdisjoint(set(second))


def test_person_key_without_phone_or_id_uses_name_and_community():
    frame = pd.DataFrame(
        {"name": ["李华", "李华", "李华"], "community": ["浏河社区", "沿河社区", "浏河社区"]}
    )
    keys = privacy.mask_personal_data(frame, salt="s")["person_key"]
    assert keys.iloc[0] == keys.iloc[2]
    assert keys.iloc[0] != keys.iloc[1]


def test_rows_without_any_identity_get_no_key():
    frame = pd.DataFrame({"name": [None], "phone": [None], "community": ["浏河社区"]})
    assert pd.isna(privacy.mask_personal_data(frame, salt="s")["person_key"].iloc[0])


@pytest.mark.parametrize("salt", ["", "   "])
def test_empty_salt_is_refused(salt):
    with pytest.raises(ParameterError, match="salt"):
        privacy.mask_personal_data(raw_people(), salt=salt)


def test_scan_reports_each_leak_with_its_place_and_masks_it():
    hits = privacy.find_personal_data(raw_people(), names=["欧阳娜娜"])
    found = [(h.kind, h.where, h.masked) for h in hits]
    assert ("phone", "phone[0]", "138****5678") in found
    assert ("id_number", "id_number[1]", "420802********567x") in found
    assert ("name", "note[2]", "欧阳**") in found
    assert ("id_number", "note[2]", "420802********4321") in found
    assert str(hits[0]).startswith(hits[0].where)


def test_scan_of_text_counts_lines_and_finds_grouped_phone_numbers():
    text = "访谈记录\n请回电 139-1234-5678\n金额 13812345678901 元，编号 12345678901"
    hits = privacy.find_personal_data(text)
    assert [(h.kind, h.where, h.masked) for h in hits] == [("phone", "第2行", "139****5678")]


def test_scan_ignores_masked_values_and_single_character_names():
    masked = pd.DataFrame(
        {"phone": ["138****5678"], "id_number": ["420802********1234"], "name": ["李**"]}
    )
    assert privacy.find_personal_data(masked, names=["李"]) == []


def test_scan_reads_parquet_and_every_excel_sheet(tmp_path):
    pd.DataFrame({"phone": [13812345678]}).to_parquet(tmp_path / "survey.parquet")
    with pd.ExcelWriter(tmp_path / "workpapers.xlsx", engine="openpyxl") as writer:
        pd.DataFrame({"说明": ["正常"]}).to_excel(writer, sheet_name="汇总", index=False)
        pd.DataFrame({"姓名": ["王小明"]}).to_excel(writer, sheet_name="明细", index=False)
    assert [h.kind for h in privacy.find_personal_data(tmp_path / "survey.parquet")] == ["phone"]
    hits = privacy.find_personal_data(tmp_path / "workpapers.xlsx", names=["王小明"])
    assert [(h.kind, h.where) for h in hits] == [("name", "workpapers.xlsx 明细 0[1]")]


def test_scan_refuses_files_it_cannot_read_and_names_them(tmp_path):
    image = tmp_path / "chart.png"
    image.write_bytes(b"\x89PNG")
    assert not privacy.is_scannable(image)
    with pytest.raises(ParameterError, match="chart.png"):
        privacy.find_personal_data(image)


def test_scan_ignores_digit_runs_inside_decimal_numbers():
    text = "rate 0.0339240000000085 and path M 31.6611841184 L 2.4208021990010100123"
    assert privacy.find_personal_data(text) == []
    assert [
        h.kind for h in privacy.find_personal_data("电话13812345678，身份证420802199001011234")
    ] == ["phone", "id_number"]


def test_svg_path_coordinates_are_not_mistaken_for_phone_numbers(tmp_path):
    svg = tmp_path / "chart.svg"
    svg.write_text(
        '<svg><path d="M 0 0\nC 1446 166 1952 1184 1952 2432"/><title>13812345678</title></svg>',
        encoding="utf-8",
    )
    hits = privacy.find_personal_data(svg)
    assert [(h.kind, h.where) for h in hits] == [("phone", "chart.svg 第2行")]
