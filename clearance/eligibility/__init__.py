"""The eligibility engine (HS 11361.8 and office policies): pure Python, no Django, no clock."""
