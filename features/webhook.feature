@webhook @forced
Feature: The credit_status_issue webhook reaches the merchant's handler
  The payment system posts credit_status_issue to the shop's webhook URL whenever a card
  registration's status changes (webhook/webhook_credit_status.md). The merchant's handler must
  acknowledge every delivery with 2xx — otherwise the event is sent again — and must take a
  repeated delivery of an event it already handled without harm. Only the sandbox can point the
  shop's webhook at a local handler, so this feature is left out on staging.

  Background:
    Given a billing with a credit-card payment method
    And the shop's webhook points at the reference merchant's handler

  Scenario: A completed card registration is announced to the merchant's handler, which acknowledges it
    When credit_card_token is called with a fresh token for the vendor test card
    Then the webhook announced credit_status 2 for that payment method
    And the merchant's handler acknowledged every delivery with 2xx

  Scenario: A repeated delivery of an event is acknowledged and kept once
    When the payment system sends a credit_status_issue event for that payment method
    And the same event is delivered again
    Then the merchant's handler acknowledged every delivery with 2xx
    And the merchant kept the event once
