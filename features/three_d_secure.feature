@three_d_secure
Feature: 3-D Secure 2.0 — ThreeDSAdapter.authenticate
  The current spec requires 3-D Secure (原則2025年3月末までに実装が必要): between the token and the submit the
  page calls ThreeDSAdapter.authenticate with the token, the shop id, am / tx / sf 0 and the billing
  individual's email and tel (em / pn). The issuer may pass the holder at once (frictionless) or ask for a
  one-time password in a frame of the gateway inside EMV3DS_INPUT_FORM (challenge). Whatever happens, the
  merchant submits the token only, with every card input empty, or nothing at all; what the holder did shows
  when credit_card_token registers the token. Examples name ThreeDSAdapter.authenticate's resultCode in the
  column answer and credit_card_token's code in the column result. The vendor's staging cannot try any of it
  (仕様上、検証環境での検証を行うことはできかねます), so these scenarios run on the sandbox.

  Background:
    Given a billing with a credit-card payment method
    And the shop requires 3-D Secure

  @critical
  Scenario Outline: A holder the issuer passes without a challenge registers the card (<mode> mode)
    Given the reference merchant's <mode> checkout with 3-D Secure for that billing
    When the customer pays with the vendor test card in <mode> mode
    Then 3-D Secure answered "Success" without a challenge
    And at the moment of submission every card input is empty
    And the gateway's "Success" token is submitted with no card data
    And the merchant shows the registration result "SUCCESS"
    And no card data reached the merchant

    Examples:
      | mode   |
      | popup  |
      | custom |

  @forced
  Scenario Outline: A holder who passes the issuer's challenge registers the card (<mode> mode)
    Given the reference merchant's <mode> checkout with 3-D Secure for that billing
    When the customer pays with the card 4000000000003220 in <mode> mode
    Then the issuer's challenge appears inside the 3-D Secure area
    And the merchant page cannot read the issuer's challenge
    When the customer answers the issuer's challenge with the right password
    Then 3-D Secure answered "Success" after the challenge
    And at the moment of submission every card input is empty
    And the gateway's "Success" token is submitted with no card data
    And the merchant shows the registration result "SUCCESS"

    Examples:
      | mode   |
      | popup  |
      | custom |

  @forced
  Scenario Outline: A holder who fails the issuer's challenge is refused at registration (<mode> mode)
    Given the reference merchant's <mode> checkout with 3-D Secure for that billing
    When the customer pays with the card 4000000000003220 in <mode> mode
    And the customer answers the issuer's challenge with the wrong password
    Then 3-D Secure answered "Success" after the challenge
    And at the moment of submission every card input is empty
    And the gateway's "Success" token is submitted with no card data
    And the merchant shows the registration result "ER901"

    Examples:
      | mode   |
      | popup  |
      | custom |

  @forced
  Scenario: A holder the issuer refuses without a challenge is refused at registration
    Given the reference merchant's custom checkout with 3-D Secure for that billing
    And the issuer refuses the next 3-D Secure authentication without a challenge
    When the customer pays with the vendor test card in custom mode
    Then 3-D Secure answered "Success" without a challenge
    And at the moment of submission every card input is empty
    And the gateway's "Success" token is submitted with no card data
    And the merchant shows the registration result "ER901"

  @forced
  Scenario Outline: A holder who cancels the issuer's challenge sees the message and nothing is submitted (<mode> mode)
    Given the reference merchant's <mode> checkout with 3-D Secure for that billing
    When the customer pays with the card 4000000000003220 in <mode> mode
    And the customer cancels the issuer's challenge
    Then the merchant shows the 3-D Secure message of "Cancel"
    And nothing was submitted to the merchant

    Examples:
      | mode   |
      | popup  |
      | custom |

  Scenario Outline: A page passing an em or pn the gateway refuses shows its message and submits nothing
    Given the reference merchant's custom checkout with 3-D Secure for that billing
    And the merchant page passes <contact> "<value>" to ThreeDSAdapter.authenticate
    When the customer pays with the vendor test card in custom mode
    Then the merchant shows the 3-D Secure message of "<answer>"
    And nothing was submitted to the merchant

    Examples:
      | answer | contact | value            |
      | ER059  | em      | qa.example.com   |
      | ER060  | pn      | 0312345678901234 |

  Scenario Outline: A page passing an em or pn other than the billing's registers nothing
    Given the reference merchant's custom checkout with 3-D Secure for that billing
    And the merchant page passes <contact> "<value>" to ThreeDSAdapter.authenticate
    When the customer pays with the vendor test card in custom mode
    Then 3-D Secure answered "Success" without a challenge
    And at the moment of submission every card input is empty
    And the gateway's "Success" token is submitted with no card data
    And the merchant shows the registration result "<result>"

    Examples:
      | result | contact | value                    |
      | 3406   | em      | someone.else@example.com |
      | 3407   | pn      | 0399999999               |

  Scenario: A page that skips 3-D Secure while the shop requires it is refused at registration
    Given the reference merchant's custom checkout for that billing
    When the customer pays with the vendor test card in custom mode
    Then the page never called ThreeDSAdapter.authenticate
    And at the moment of submission every card input is empty
    And the gateway's "Success" token is submitted with no card data
    And the merchant shows the registration result "ER900"

  @forced
  Scenario: An authentication request the gateway drops gives ER000 and the merchant submits nothing
    Given the reference merchant's custom checkout with 3-D Secure for that billing
    And the gateway drops the next 3-D Secure authentication request
    When the customer pays with the vendor test card in custom mode
    Then the merchant shows the 3-D Secure message of "ER000"
    And nothing was submitted to the merchant

  @forced
  Scenario Outline: An authenticate answer only the sandbox can force on this page shows its message
    Given the reference merchant's custom checkout with 3-D Secure for that billing
    And the gateway answers the next 3-D Secure authentication with "<answer>"
    When the customer pays with the vendor test card in custom mode
    Then the merchant shows the 3-D Secure message of "<answer>"
    And nothing was submitted to the merchant

    Examples:
      | answer |
      | ER001  |
      | ER050  |
      | ER004  |
      | ER002  |
      | ER584  |
      | ER585  |
