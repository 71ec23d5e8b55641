import pytest
from django.contrib.auth.models import Group

from zhouqu_jiazheng import roles


@pytest.fixture
def staff(django_user_model):
    """A member of `role` with a login and an e-mail address."""

    def make(username: str, role: str = roles.CREDIT_OFFICER):
        user = django_user_model.objects.create_user(
            username=username,
            password="pw",
            email=f"{username}@example.gov.cn",
            first_name=username,
            is_staff=True,
        )
        user.groups.add(Group.objects.get(name=role))
        return user

    return make
