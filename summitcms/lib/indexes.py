"""Indexes in an order both databases can write."""

from django.db import models


class LatestFirstIndex(models.Index):
    """An index in an order such as ``F("published_on").desc(nulls_last=True)``: the latest
    first and the undated last, as the public lists read them.

    PostgreSQL needs ``NULLS LAST`` in the index to read such an order from it. SQLite
    refuses the modifier in an index, and needs none: it sorts NULL below every value,
    hence last in a descending order. There the index is written without it."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        index = self
        if schema_editor.connection.vendor == "sqlite":
            index = self.clone()
            index.expressions = [
                models.OrderBy(expression.expression, descending=True)
                if isinstance(expression, models.OrderBy) and expression.descending and expression.nulls_last
                else expression
                for expression in self.expressions
            ]
        return super(LatestFirstIndex, index).create_sql(model, schema_editor, using=using, **kwargs)
