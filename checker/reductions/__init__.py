"""Reductions: untrusted producers that build a target instance and a certificate.

Nothing here is believed: every document a reduction writes is checked by the kernel like
any other input.  The kernel never imports this package.
"""
