"""Security adapters: key providers, envelope encryption, blind indexes, the access policy."""
