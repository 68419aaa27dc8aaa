"""Types shared by the API's input schemas."""

from typing import Annotated

from pydantic import Field

#: A row's id as the API accepts it: a positive integer that fits the database's 64-bit integer
#: (a larger one failed in the database, a server error, instead of answering 422).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
