"""Makes the step definitions visible to every scenario bound in this folder."""

from steps.api_steps import *  # noqa: F403
from steps.billing_steps import *  # noqa: F403
from steps.checkout_steps import *  # noqa: F403
from steps.merchant_steps import *  # noqa: F403
from steps.three_d_secure_steps import *  # noqa: F403
from steps.webhook_steps import *  # noqa: F403
