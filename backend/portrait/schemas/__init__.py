"""marshmallow schemas, named by role; input schemas refuse unknown fields."""
