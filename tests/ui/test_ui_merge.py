"""Merging a fresh answer into the list: planned on a worker, applied only if the list is unchanged."""

from __future__ import annotations

from pytestqt.modeltest import ModelTester

from readerapp.ui.paper_model import PaperTableModel, plan_merge


def model_with(ids: list[str]) -> PaperTableModel:
    model = PaperTableModel(lambda _ids: None)
    model.set_ids(ids)
    return model


def test_an_unchanged_answer_plans_nothing_and_a_changed_one_is_applied(qtmodeltester: ModelTester) -> None:
    model = model_with(list("abcdef"))
    qtmodeltester.check(model)
    assert plan_merge(list("abcdef"), list("abcdef")) is None
    fresh = list("xabdefy")
    plan = plan_merge(model.ids, fresh)
    assert plan is not None and plan.removed == ["c"] and not plan.reordered
    model.merge_ids(fresh, plan, model.version)
    assert model.ids == fresh


def test_a_plan_made_before_the_list_changed_is_not_trusted() -> None:
    model = model_with(list("abcdef"))
    version = model.version
    plan = plan_merge(model.ids, list("abdef"))
    model.remove_ids(["e"])  # a triage key while the query ran
    model.merge_ids(list("abdef"), plan, version)
    assert model.ids == list("abdef")


def test_a_reordered_answer_is_a_layout_change_that_keeps_every_id() -> None:
    model = model_with(list("abcd"))
    plan = plan_merge(model.ids, list("dcbae"))
    assert plan is not None and plan.reordered and plan.inserted == [(4, "e")]
    model.merge_ids(list("dcbae"), plan, model.version)
    assert model.ids == list("dcbae")
