"""Reporting: Allure steps and labels, evidence attachments, coverage of the catalogue, the merchant verdict and
the files Allure reads beside the results."""
