"""The ten presets of MODEL.md §5. Values are illustrative defaults, documented in docs/model.md."""

from __future__ import annotations

from clustermarketing.models.base import Preset, register

register(
    Preset(
        name="independent",
        title="Independent marketing (baseline)",
        family="baseline",
        seed="000/003/004",
        summary="Every firm runs the functions it can afford alone; no cooperative, no structure.",
        settings={"structure": {"kind": "none"}, "pooled_functions": []},
    )
)

register(
    Preset(
        name="collective_mark",
        title="Collective mark",
        family="traditional",
        seed="000 (Table 1)",
        summary=(
            "A chamber of commerce holds a shared trademark: members pay dues plus a per-unit "
            "maintenance fee, follow quality rules and are monitored by the chamber; pooled brand "
            "building feeds the regional brand that members sell under."
        ),
        mechanisms={
            "function-interest": "chamber dues-sharing: members pay the mark's costs as dues "
            "(rule dues: half equal, half by units) plus a per-unit maintenance fee",
            "regulation": "membership system of the chamber: a quality standard for admission, "
            "the chamber monitors (star centre), fines, exclusion, norms",
            "contract": "fees on the goods sold under the registered mark share its "
            "maintenance cost; breaches are penalised",
        },
        targets={"regional_brand": "+", "member_profit": "+"},
        variant=("footwear", ()),
        key_off=("model.pooled_functions=[]", "model.uses_regional_brand=false"),
        settings={
            "structure": {"kind": "star", "hub": "", "centre_monitoring": 0.8},
            "pooled_functions": ["brand_building", "information_dissemination"],
            "uses_regional_brand": True,
            "function_interest": {"rule": "dues", "dues_fixed_share": 0.5},
            "regulation": {
                "quality_standard": 0.6,
                "monitoring": 1.0,
                "fine": 300.0,
                "exclusion": 0.5,
                "norm_strength": 100.0,
            },
            "contract": {"per_unit_fee": 0.05, "enforcement": 0.2, "breach_penalty": 100.0},
        },
    )
)

register(
    Preset(
        name="share_marketing_channel",
        title="Share marketing channel",
        family="traditional",
        seed="000 (Table 1), 001 §4.3",
        summary=(
            "Members pool channel development and market access in an open network: shared "
            "channel capacity is rival and allocated by need, channel power and costs split in "
            "proportion to volume, rules rest on trust, members sign transaction contracts."
        ),
        mechanisms={
            "function-interest": "channel power and benefits shared: costs split in proportion "
            "to volume, pooled channel capacity allocated by need",
            "regulation": "tacit understanding and mutual trust of the channel members: peer "
            "monitoring over the network, strong norms, modest fines",
            "contract": "transaction contracts between channel members: per-unit channel fee, "
            "enforcement, breach penalty, contracting cost falling with trust",
        },
        targets={"sme_market_access": "+", "member_profit": "+"},
        variant=("footwear", ()),
        key_off=("model.pooled_functions=[]", "model.shared_channel=false"),
        settings={
            "structure": {"kind": "network", "extra_links": 2.0, "peer_monitoring": 0.15},
            "pooled_functions": ["channel_development", "market_access"],
            "shared_channel": True,
            "function_interest": {"rule": "proportional"},
            "regulation": {
                "monitoring": 1.0,
                "fine": 150.0,
                "exclusion": 0.3,
                "norm_strength": 200.0,
            },
            "contract": {
                "per_unit_fee": 0.1,
                "enforcement": 0.3,
                "breach_penalty": 200.0,
                "contracting_cost": 20.0,
            },
        },
    )
)

register(
    Preset(
        name="exhibition_promotion",
        title="Exhibition promotion",
        family="high-tech",
        seed="000",
        summary=(
            "A government agency stages a periodic fair: joint promotion, buyer matching that "
            "opens new markets, new-market development, a subsidy, and a pull on entrants."
        ),
        settings={
            "structure": {"kind": "star", "hub": "", "centre_monitoring": 0.5},
            "pooled_functions": [
                "sales_promotion",
                "customer_acquisition",
                "new_market_development",
            ],
            "function_interest": {"rule": "equal"},
            "regulation": {
                "monitoring": 1.0,
                "fine": 100.0,
                "exclusion": 0.5,
                "norm_strength": 50.0,
            },
            "fairs": {
                "interval": 4,
                "promotion_multiplier": 3.0,
                "buyer_matching": 0.3,
                "entry_boost": 1.0,
                "cost": 5000.0,
            },
        },
        targets={"sme_profit": "+", "consumer_surplus": "+"},
        variant=("optoelectronics", ()),
        key_off=("model.fairs.interval=0", "model.pooled_functions=[]"),
    )
)

register(
    Preset(
        name="see_the_customer",
        title="See the customer",
        family="traditional",
        seed="000 (Table 1), 001 §3.3",
        summary=(
            "Marketing intermediaries ('see the customer' workers) bring members orders from "
            "markets they cannot reach alone; each order's commission is the generalized Nash "
            "bargaining solution over its margin; intermediaries that earn less than their cost "
            "leave."
        ),
        settings={
            "structure": {"kind": "network", "extra_links": 1.0, "peer_monitoring": 0.15},
            "pooled_functions": ["customer_acquisition"],
            "intermediaries": {"count": 3, "min_trust": 0.5},
            "function_interest": {"rule": "commission"},
            "regulation": {
                "monitoring": 1.0,
                "fine": 150.0,
                "exclusion": 0.3,
                "norm_strength": 150.0,
            },
            "contract": {
                "enforcement": 0.3,
                "breach_penalty": 100.0,
                "contracting_cost": 15.0,
                "term": 4,
            },
        },
        mechanisms={
            "function-interest": "incentive pay by performance: each intermediary earns the "
            "commission on the orders it carried (and leaves after losses); members pay pooled "
            "costs in proportion to their revenue (rule commission)",
            "regulation": "relationship rules between manufacturers and see-customer workers: "
            "intermediaries take orders only from members whose trust is at least min_trust; "
            "peer monitoring over the network, fines, exclusion, norms",
            "contract": "orders formed after bargaining: the commission per unit is the "
            "generalized Nash bargaining solution over the order's margin; members commit for "
            "a term",
        },
        targets={"intermediated_sales": "+", "sme_market_access": "+"},
        variant=("footwear", ()),
        key_off=("model.intermediaries.count=0",),
    )
)

register(
    Preset(
        name="cluster_brand",
        title="Cluster brand",
        family="high-tech",
        seed="000",
        summary=(
            "Three brand tiers — regional, corporate, product — each a depreciating stock with "
            "its own spending and demand weight, with spillovers down the tiers; the collective "
            "mark is registered once, and members below its quality standard dilute it."
        ),
        mechanisms={
            "function-interest": "dues for the mark (rule dues: 30% equal, 70% by units) plus a "
            "per-unit fee; the one-off registration of the collective mark is a pooled cost",
            "regulation": "a quality standard for admission; members whose quality falls below "
            "it dilute the regional brand in proportion to their sales share; the hierarchy's "
            "parents monitor, fines and exclusion",
            "contract": "per-unit fees on goods sold under the registered collective mark, "
            "enforcement and breach penalty",
        },
        targets={"regional_brand": "+", "product_brand": "+", "member_profit": "+"},
        variant=("footwear", ()),
        key_off=(
            "model.pooled_functions=[]",
            "model.uses_regional_brand=false",
            "model.brand_tiers.enabled=false",
        ),
        settings={
            "structure": {"kind": "hierarchical", "hub": "", "branching": 6},
            "pooled_functions": ["brand_building", "information_dissemination"],
            "uses_regional_brand": True,
            "brand_tiers": {"enabled": True},
            "function_interest": {"rule": "dues", "dues_fixed_share": 0.3},
            "regulation": {
                "quality_standard": 0.6,
                "monitoring": 1.0,
                "fine": 300.0,
                "exclusion": 0.5,
                "norm_strength": 100.0,
            },
            "contract": {"per_unit_fee": 0.05, "enforcement": 0.2, "breach_penalty": 100.0},
        },
    )
)

register(
    Preset(
        name="channel_network_sharing",
        title="Channel network sharing",
        family="high-tech",
        seed="000",
        summary=(
            "Members rent spare own-channel capacity to linked members of complementary "
            "segments for a per-unit fee, and an online B2B/B2C platform opens further markets "
            "for a fixed plus a per-unit fee."
        ),
        settings={
            "structure": {"kind": "network", "extra_links": 2.0, "peer_monitoring": 0.15},
            "pooled_functions": ["information_dissemination"],
            "channel_network": {"rent": True, "platform": True},
            "function_interest": {"rule": "proportional"},
            "regulation": {
                "monitoring": 1.0,
                "fine": 150.0,
                "exclusion": 0.3,
                "norm_strength": 150.0,
            },
            "contract": {"enforcement": 0.3, "breach_penalty": 150.0, "contracting_cost": 15.0},
        },
        mechanisms={
            "function-interest": "channel rent goes to the member whose spare capacity carried "
            "the goods; the platform's fixed cost is split among contributors by volume",
            "regulation": "trust among the network's members: peer monitoring over the links "
            "that carry the rented capacity, fines, exclusion, norms",
            "contract": "rental contracts over the structure's links at a per-unit channel fee; "
            "platform fee per unit sold through it",
        },
        # (members' market access also rises, but the cooperative's information dissemination
        # alone moves it a little: the targets are what only the mechanism does)
        targets={"platform_sales": "+", "channel_rented": "+"},
        # channels bind (own channel 0.7 × capacity) and members are linked to each other
        variant=("footwear", ("model.structure.kind=network", "firms.channel_ratio=0.7")),
        key_off=("model.channel_network.rent=false", "model.channel_network.platform=false"),
    )
)

register(
    Preset(
        name="leading_enterprise_traction",
        title="Leading enterprise traction",
        family="high-tech",
        seed="000",
        summary=(
            "SMEs license a leader's brand for a fee per unit (its goodwill helps their demand; "
            "their quality shortfalls hurt it), supply leaders with what leaders cannot produce, "
            "and receive the leaders' market research and quality know-how."
        ),
        mechanisms={
            "function-interest": "licensees pay the leader a fee per unit for its brand; "
            "suppliers are paid a price per unit on the leader's cost; pooled dissemination "
            "costs split by volume",
            "regulation": "the leader's hierarchy monitors; licensees below the leader's quality "
            "damage its goodwill; fines and exclusion for free-riders",
            "contract": "licence contracts (fee per unit) and supply contracts (price, quality "
            "requirement) with the leaders; members commit for a term",
        },
        # not targets: subcontract_units (how much leaders can subcontract varies with the
        # cluster's leaders and their suppliers from one replicate to the next) and sme_profit
        # (raised by the cooperative's sourcing too, so it does not vanish with the key
        # parameters off); tests/mechanisms/test_traction.py checks both against the model
        # without the mechanism
        targets={"licence_units": "+", "mean_quality": "+"},
        # four leaders that cannot meet their demand (half the labour productivity):
        # subcontracting shows only where a leader's demand exceeds its capacity, and with the
        # example's two leaders the effects hinge on those two firms' traits, which differ so
        # much between replicates that a few replicates cannot resolve them; the example's own
        # model section sets a star, so the preset's hierarchy is restored
        variant=(
            "optoelectronics",
            (
                "firms.leaders=4",
                "firms.productivity=25",
                "model.structure.kind=hierarchical",
            ),
        ),
        key_off=(
            "model.traction.licensing=false",
            "model.traction.subcontracting=false",
            "model.traction.share_research=false",
        ),
        settings={
            "structure": {"kind": "hierarchical", "hub": "", "branching": 8},
            "pooled_functions": ["information_dissemination"],
            "traction": {"licensing": True, "subcontracting": True, "share_research": True},
            "function_interest": {"rule": "proportional"},
            "regulation": {
                "monitoring": 1.0,
                "fine": 200.0,
                "exclusion": 0.5,
                "norm_strength": 80.0,
            },
            "contract": {"enforcement": 0.4, "breach_penalty": 200.0, "term": 4},
        },
    )
)

register(
    Preset(
        name="cooperative_rnd",
        title="Cooperative R&D",
        family="high-tech",
        seed="000",
        summary=(
            "Pooled product development with research institutes and academic groups: the pooled "
            "budget yields stochastic quality innovations shared by an IP contract, spilling "
            "over to non-members through ties, with less risk than solo development."
        ),
        mechanisms={
            "function-interest": "the pooled R&D budget is split by volume (rule proportional); "
            "only contributors obtain the innovations",
            "regulation": "the centre monitors contributions; free-riders lose their IP share "
            "and are fined and excluded",
            "contract": "IP contract: each contributor obtains the share ip_share of an "
            "innovation's quality gain; members commit for a term",
        },
        # (output and consumer surplus rise too, but part of that is the cooperative's sourcing,
        # which stays with the key parameters off; tests/mechanisms/test_rnd.py checks them
        # against the same cooperative without R&D)
        targets={"mean_quality": "+", "innovations": "+"},
        # the optoelectronics cluster has a research institute (institute_boost applies)
        variant=("optoelectronics", ()),
        # no rate, no institutes' boost, and no pooled budget (with the budget still pooled,
        # members give up their own development for nothing: a small loss of quality,
        # tests/mechanisms/test_rnd.py)
        key_off=(
            "model.rnd.budget_effect=0",
            "model.rnd.institute_boost=0",
            "model.pooled_functions=[]",
        ),
        settings={
            "structure": {"kind": "star", "hub": "", "centre_monitoring": 0.7},
            "pooled_functions": ["product_development"],
            "rnd": {"enabled": True},
            "function_interest": {"rule": "proportional"},
            "regulation": {
                "monitoring": 1.0,
                "fine": 250.0,
                "exclusion": 0.5,
                "norm_strength": 80.0,
            },
            "contract": {"enforcement": 0.5, "breach_penalty": 300.0, "term": 8},
        },
    )
)

register(
    Preset(
        name="marketing_alliance",
        title="Marketing alliance",
        family="high-tech",
        seed="000",
        summary=(
            "Allies share brands (pooled goodwill), match products into complementary bundles, "
            "enter a target market together, sell through each other's channels, promote the "
            "region jointly and share information."
        ),
        mechanisms={
            "function-interest": "pooled promotion, information and joint market entry split "
            "equally; allies lend spare channel capacity and share brands without fees",
            "regulation": "peer monitoring over the alliance network, fines, exclusion and norms",
            "contract": "alliance agreements committed for a term, enforcement, breach penalty",
        },
        targets={"member_profit": "+", "bundle_sales": "+"},
        variant=("footwear", ("firms.channel_ratio=0.8",)),
        key_off=(
            "model.alliance.brand_sharing=0",
            "model.alliance.bundle_utility=0",
            "model.alliance.channel_interdependence=0",
            "model.pooled_functions=[]",
        ),
        settings={
            "structure": {"kind": "network", "extra_links": 1.0, "peer_monitoring": 0.2},
            "pooled_functions": [
                "sales_promotion",
                "information_dissemination",
                "market_access",
            ],
            "alliance": {
                "brand_sharing": 0.5,
                "bundle_utility": 0.5,
                "channel_interdependence": 0.3,
            },
            "function_interest": {"rule": "equal"},
            "regulation": {
                "monitoring": 1.0,
                "fine": 150.0,
                "exclusion": 0.4,
                "norm_strength": 120.0,
            },
            "contract": {"enforcement": 0.3, "breach_penalty": 150.0, "term": 4},
        },
    )
)
