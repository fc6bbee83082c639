"""spark_jobs.gold.dependency_waves: models that read other gold tables wait for them."""
import pytest

from spark_jobs.gold import GoldModel, dependency_waves
from spark_jobs.subscriptions.gold import MODELS


def names(waves):
    return [sorted(m.name for m in wave) for wave in waves]


def test_subscriptions_models_build_in_two_waves():
    waves = names(dependency_waves(MODELS))
    assert len(waves) == 2
    assert waves[1] == ["ltv_cac_ratio", "mrr_monthly"]
    assert sorted(waves[0] + waves[1]) == sorted(m.name for m in MODELS)


class SqlModel(GoldModel):
    """A model whose SQL is given, not read from sql/gold."""

    def __init__(self, name, sql):
        super().__init__("test", name, ("k",))
        object.__setattr__(self, "_text", sql)

    def sql(self):
        return self._text


def test_a_chain_builds_one_model_per_wave():
    models = [SqlModel("c", "SELECT * FROM gold.b"), SqlModel("b", "SELECT * FROM gold.a"),
              SqlModel("a", "SELECT * FROM silver.events")]
    assert names(dependency_waves(models)) == [["a"], ["b"], ["c"]]


def test_a_table_outside_the_models_does_not_hold_a_model_back():
    assert names(dependency_waves([SqlModel("a", "SELECT * FROM gold.elsewhere")])) == [["a"]]


def test_models_reading_each_other_are_refused():
    with pytest.raises(ValueError, match="cycle"):
        dependency_waves([SqlModel("a", "SELECT * FROM gold.b"), SqlModel("b", "SELECT * FROM gold.a")])
