"""Money going back: refund accounts, the outbound ISO 20022 batch, the bank's status reports."""
