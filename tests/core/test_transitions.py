import pytest
from django.core.exceptions import ValidationError

from complaints.models import Complaint, Status
from complaints.services import COMPLAINT_MACHINE, ComplaintTransitionError
from core import transitions
from core.transitions import INVALID_TRANSITION, StatusMachine, TransitionError
from registry.models import LedgerImport
from registry.services.ledger.jobs import LEDGER_IMPORT_MACHINE, LedgerImportStateError


def test_a_machine_is_found_from_its_model():
    complaint = Complaint(status=Status.SUBMITTED)
    assert transitions.machine_for(complaint) is COMPLAINT_MACHINE
    assert transitions.can(complaint, Status.ACCEPTED)
    assert not transitions.can(complaint, Status.CLOSED)
    assert transitions.allowed(complaint) == {Status.ACCEPTED, Status.NOT_ACCEPTED, Status.REFERRED}


def test_the_refusal_names_both_statuses_with_the_shared_code():
    complaint = Complaint(status=Status.CLOSED)
    with pytest.raises(ComplaintTransitionError) as error:
        transitions.check(complaint, Status.ACCEPTED)
    assert isinstance(error.value, TransitionError)
    assert error.value.code == INVALID_TRANSITION
    assert error.value.messages == ["该案件当前为“已办结”，不能改为“已受理”。"]


def test_an_unknown_target_is_refused_by_its_value():
    with pytest.raises(ValidationError, match="nonsense"):
        COMPLAINT_MACHINE.check(Complaint(status=Status.SUBMITTED), "nonsense")


def test_sources_invert_the_map_for_conditional_updates():
    assert LEDGER_IMPORT_MACHINE.sources(LedgerImport.Status.DONE) == {
        LedgerImport.Status.IMPORTING
    }


def test_a_plain_exception_gets_the_formatted_sentence():
    ledger_import = LedgerImport(status=LedgerImport.Status.DONE)
    error = LEDGER_IMPORT_MACHINE.refusal(ledger_import, LedgerImport.Status.IMPORTING)
    assert isinstance(error, LedgerImportStateError)
    assert str(error) == "该导入当前状态为“导入完成”，不能转为“导入中”。"


def test_a_model_without_a_machine_is_an_error():
    with pytest.raises(LookupError):
        transitions.machine_for(StatusMachine)
