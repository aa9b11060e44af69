"""Persistence of workflow steps: the transaction, the hash chain, versions, documents, incidents."""
