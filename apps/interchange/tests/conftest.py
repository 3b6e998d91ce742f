import pytest

from .fixture_corpus import build, export, objects


@pytest.fixture
def corpus():
    """The small corpus of ``fixture_corpus``, recorded in the database."""
    return build()


@pytest.fixture
def published(corpus):
    """The corpus's default export, as a list of objects to edit."""
    return objects(export()[0])
