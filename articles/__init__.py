"""Article records: model, validation, storage and import."""
