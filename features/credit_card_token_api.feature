@api
Feature: Registration API — POST /api/v1.0/billing_payment_method/credit_card_token
  Every documented outcome of the registration API answers with its documented HTTP status,
  the documented JSON type and value of error.code, and its message — the current spec's email and
  tel (3406, 3407) and the 3-D Secure codes of a shop that requires it (ER900, ER901, ER059, ER060)
  included. Expectations come from the one catalogue of documented codes (catalogue/codes.toml);
  the rows below say which situation provokes each code.

  Background:
    Given a billing with a credit-card payment method

  @critical
  Scenario Outline: A well-formed registration answers with the documented outcome
    When credit_card_token is called with <situation>
    Then the answer is the documented outcome "<code>"

    Examples: success and the endpoint's own errors
      | code  | situation                                           |
      | SUCCESS | a fresh token for the vendor test card            |
      | 3401  | an unknown billing code                             |
      | 3401  | a billing code longer than 20 characters            |
      | 3401  | a billing code that is not a string                 |
      | 3402  | an unknown payment method number                    |
      | 3402  | a payment method number of 19 digits                |
      | 3403  | an unknown payment method code                      |
      | 3404  | both the payment method number and code             |
      | 3405  | no token                                            |
      | 3405  | a token with characters outside Base64              |
      | 3405  | a token that is not a string                        |

    Examples: login and request shape
      | code    | situation                                         |
      | 11      | an unknown user_id                                |
      | 11      | a body that is not JSON                           |
      | 11      | a JSON array instead of an object                 |
      | 12      | a wrong access_key                                |
      | 12      | an access_key of 10000 characters                 |
      | 10      | a path that does not exist                        |
      | HTTP413 | a body of 9 MB                                    |

    Examples: token outcomes at the payment system
      | code  | situation                                           |
      | ER584 | a well-formed token the gateway never issued        |
      | ER584 | a token that was already used                       |
      | ER586 | a card number sent together with the token          |

    Examples: the billing individual's email and tel (the current spec)
      | code  | situation                                           |
      | 3406  | an email other than the billing's                   |
      | 3406  | an email that is not an email address               |
      | 3407  | a tel other than the billing's                      |
      | 3407  | the billing's tel with hyphens                      |

  @forced
  Scenario Outline: An outcome only the sandbox can force answers as documented
    When credit_card_token is called with <situation>
    Then the answer is the documented outcome "<code>"

    Examples: token outcomes and card-company declines
      | code         | situation                                    |
      | ER585        | a token issued more than 15 minutes ago      |
      | G1242G120000 | a token for the magic card 4000000000001240  |
      | G4442G440000 | a token for the magic card 4000000000004442  |
      | G5542G550000 | a token for the magic card 4000000000005548  |
      | G6042G600000 | a token for the magic card 4000000000006041  |
      | G8342G830000 | a token for the magic card 4000000000008344  |
      | ER013        | a token for the magic card 4000000000000135  |
      | G0442G040000 | a token for the magic card 4000000000000440  |
      | G3042G300000 | a token for the magic card 4000000000003048  |
      | G4242G420000 | a token for the magic card 4000000000004244  |
      | G4542G450000 | a token for the magic card 4000000000004541  |
      | G5442G540000 | a token for the magic card 4000000000005449  |
      | G5642G560000 | a token for the magic card 4000000000005647  |
      | G6142G610000 | a token for the magic card 4000000000006140  |
      | G6542G650000 | a token for the magic card 4000000000006546  |
      | G6842G680000 | a token for the magic card 4000000000006843  |
      | G6942G690000 | a token for the magic card 4000000000006942  |
      | G7442G740000 | a token for the magic card 4000000000007445  |
      | G7842G780000 | a token for the magic card 4000000000007841  |
      | G8042G800000 | a token for the magic card 4000000000008047  |
      | G9742G970000 | a token for the magic card 4000000000009748  |
      | G9842G980000 | a token for the magic card 4000000000009847  |
      | G9942G990000 | a token for the magic card 4000000000009946  |

    Examples: 3-D Secure on a shop that requires it
      | code  | situation                                                                                |
      | ER900 | a token never authenticated, on a shop requiring 3-D Secure                              |
      | ER901 | a token 3-D Secure refused (magic card 4000000000003063), on a shop requiring 3-D Secure |
      | ER059 | a token authenticated with an em other than the billing's email                          |
      | ER060 | a token authenticated with a pn other than the billing's tel                             |

    Examples: the service's own state
      | code    | situation                                       |
      | 13      | a source address outside the IP allow-list      |
      | 19      | the service in maintenance                      |
      | HTTP429 | more requests than the rate limit allows        |
      | 1       | a primed code 1                                 |
      | 14      | a primed code 14                                |
      | 16      | a primed code 16                                |
      | 17      | a primed code 17                                |
      | 18      | a primed code 18                                |
      | 20      | a primed code 20                                |
      | 21      | a primed code 21                                |
      | ER000   | a primed code ER000                             |
      | ER999   | a primed code ER999                             |
      | ER001   | a primed code ER001                             |
      | ER003   | a primed code ER003                             |
      | ER583   | a primed code ER583                             |
      | ER998   | a primed code ER998                             |
