"""Hostile inputs end in DECLINE or REJECT, quickly and without a crash."""
import pytest

import checker

HEAD = "nncert 1;\n"
ETR = "instance e : etr { var x; formula x = x; }\n"


def verdict(text, **budget):
    return checker.check(checker.load(text), checker.Budget(**budget))


def etr_witness(value, field=""):
    return (HEAD + field + ETR + f"witness w for e {{ x = {value}; }}\n"
            "claims { solves(e, w); }\nend\n")


@pytest.mark.parametrize("value", ["2^(10^9)", "10^(10^9)", "(2^(2^20))^(2^20)",
                                   "(1/3)^(10^8)"])
def test_huge_powers_decline(value):
    v = verdict(etr_witness(value))
    assert v.status == "DECLINE" and "bits" in v.reason


def test_huge_numeral_declines():
    v = verdict(etr_witness("1" * 2_000_000))
    assert v.status == "DECLINE" and "numeral" in v.reason


def test_huge_numeral_in_a_data_row_declines():
    text = (HEAD + "instance t : training { input x; param a real; output o identity = a*x;\n"
            "loss squared; gamma 0; data {\n1 -> " + "7" * 2_000_000 + "\n} }\n"
            "witness w for t { a = 1; }\nclaims { solves(t, w); }\nend\n")
    assert verdict(text).status == "DECLINE"


def test_high_degree_field_declines():
    v = verdict(etr_witness("r", "field r: r^1000000 - 2 in (1, 2);\n"))
    assert v.status == "DECLINE" and "degree" in v.reason


def test_deep_parentheses_create_no_depth():
    assert verdict(etr_witness("(" * 100_000 + "1" + ")" * 100_000)).status == "ACCEPT"


def test_deep_nesting_rejects():
    v = verdict(etr_witness("(1 + " * 100_000 + "1" + ")" * 100_000))
    assert v.status == "REJECT" and "nested" in v.reason


def test_long_unary_chain_rejects():
    v = verdict(etr_witness("-" * 100_000 + "1"))
    assert v.status == "REJECT"


def test_long_flat_sum_is_fine():
    v = verdict(etr_witness(" + ".join(["1"] * 20_000)))
    assert v.status == "ACCEPT"


def test_step_budget_declines():
    v = verdict(etr_witness(" + ".join(["1"] * 20_000)), max_steps=1000)
    assert v.status == "DECLINE" and "step" in v.reason


def test_wide_network_without_data():
    text = (HEAD + "instance t : training { input x[300];\n"
            "hidden h[300] relu from x weights real bias real;\n"
            "output o identity = h[1];\nloss squared; gamma 0; data { } }\n"
            "witness w for t { }\nclaims { solves(t, w); }\nend\n")
    v = verdict(text)
    assert v.status == "REJECT" and "no value" in v.reason


def test_denominator_blow_up_declines():
    layers = []
    prev = "x"
    for i in range(12):
        layers.append(f"hidden h{i} identity = a{i}*{prev};")
        prev = f"h{i}"
    params = ", ".join(f"a{i}" for i in range(12))
    values = " ".join(f"a{i} = (3/7)^(2^{i + 4});" for i in range(12))
    text = (HEAD + f"instance t : training {{ input x; param {params}, z real;\n"
            + "\n".join(layers) + f"\noutput o identity = z*{prev};\nloss squared; gamma 10^9;"
            "\ndata {\n1 -> 0\n} }\n" f"witness w for t {{ {values} z = 0; }}\n"
            "claims { solves(t, w); }\nend\n")
    v = verdict(text, max_bits=20_000)
    assert v.status == "DECLINE" and "bits" in v.reason


def test_enumeration_space_of_10_to_30_declines():
    params = ", ".join(f"a{i}" for i in range(30))
    terms = " + ".join(f"a{i}*x" if i == 0 else f"a{i}" for i in range(30))
    text = (HEAD + f"instance t : training {{ input x; param {params} "
            "{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};\n"
            f"output o identity = {terms};\nloss squared; gamma 0; data {{\n1 -> -1\n}} }}\n"
            "claims { refutes(t); }\nend\n")
    v = verdict(text)
    assert v.status == "DECLINE" and "enumeration" in v.reason


def test_sparse_row_with_a_huge_index_rejects():
    from tools.hostile import sparse_row
    v = verdict(sparse_row("9" * 10**6 + ": 1"))
    assert v.status == "REJECT" and "out of range" in v.reason


def test_equal_of_long_squaring_chains_declines_from_sizes_alone():
    from tools.hostile import squarings
    v = verdict(HEAD + squarings("P", 10**4) + squarings("Q", 10**4)
                + "claims { equal(P, Q); }\nend\n")
    assert v.status == "DECLINE" and "max-prime-bits" in v.reason
