"""The plan similarity check (issue 16 §5): is a submitted plan largely copied from another county's?

``text`` cuts a plan into sentences and character shingles (no word tokenisation for Chinese);
``signatures`` keeps each plan's MinHash and finds candidates by LSH; ``alignment`` finds the copied
passages exactly; ``checks`` queues a check at submission and runs it in the worker; ``findings`` is
what the city, the province and auditors see.
"""

from .checks import queue_check, run_pending_checks
from .findings import SimilarityFindings, similarity_findings

__all__ = ["SimilarityFindings", "queue_check", "run_pending_checks", "similarity_findings"]
