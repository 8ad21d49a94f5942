"""The built-in exercise and cue library, as plain data (seeded by migration 0002).

Written for runners: strength and control work that the usual gait findings call for. Dosage is
a sensible starting point (the therapist adjusts it per client). `addresses` tags are what the
suggestion service (exercises/suggestions.py) matches.
"""

# fmt: off
EXERCISES = [
    {"slug": "side-lying-hip-abduction", "name": "Side-lying hip abduction", "region": "HIP", "category": "STRENGTH",
         "target_muscles": "Gluteus medius and minimus (hip abductors)",
         "instructions": "Lie on your side with your head resting on your lower arm and your bottom knee bent a little.\n"
                      "Keep your top leg straight and in line with your body, toes pointing forwards.\n"
                      "Lift the top leg towards the ceiling for two seconds, then lower it slowly over three seconds.",
         "common_mistakes": "Rolling backwards so the leg lifts towards the front instead of straight up.\n"
                         "Turning the toes up to the ceiling (that uses the hip flexors).\n"
                         "Hitching the hip up towards the ribs instead of lifting the leg.",
         "default_sets": 3, "default_reps": 12, "default_per_week": 3, "one_sided": True,
         "addresses": ["hip_abductors", "pelvic_control"],
         "progression": "lateral-band-walk", "progression_text": "Add a light band around the ankles, or a 3-second hold at the top.",
         "regression": "clamshell", "regression_text": "Shorten the lever: bend the top knee, or lift through a smaller range."},
    {"slug": "clamshell", "name": "Clamshell", "region": "HIP", "category": "STRENGTH",
         "target_muscles": "Gluteus medius, deep hip rotators",
         "instructions": "Lie on your side with hips and knees bent, heels in line with your bottom.\n"
                      "Keep your feet together and lift the top knee as far as you can without your pelvis rolling back.\n"
                      "Pause, then lower slowly.",
         "common_mistakes": "Rolling the top hip backwards to get more height.\n"
                         "Rushing: the lowering should be slow.",
         "default_sets": 3, "default_reps": 15, "default_per_week": 3, "one_sided": True,
         "addresses": ["hip_abductors", "hip_external_rotators", "knee_control"],
         "progression": "side-lying-hip-abduction", "progression_text": "Add a loop band just above the knees.",
         "regression_text": "Lift through a smaller range with no band."},
    {"slug": "glute-bridge", "name": "Glute bridge", "region": "HIP", "category": "STRENGTH",
         "target_muscles": "Gluteus maximus, hamstrings",
         "instructions": "Lie on your back, knees bent, feet flat and hip-width apart.\n"
                      "Squeeze your buttocks and lift your hips until your body is in a straight line from shoulders to knees.\n"
                      "Hold for two seconds, then lower slowly.",
         "common_mistakes": "Arching the lower back instead of lifting with the buttocks.\n"
                         "Feet too far away, so the hamstrings cramp.",
         "default_sets": 3, "default_reps": 12, "default_per_week": 3,
         "addresses": ["hip_extensors", "trunk_control"],
         "progression": "single-leg-bridge", "progression_text": "Move to the single-leg bridge, or add a weight across the hips.",
         "regression_text": "Lift only halfway."},
    {"slug": "single-leg-bridge", "name": "Single-leg bridge", "region": "HIP", "category": "STRENGTH",
         "target_muscles": "Gluteus maximus, gluteus medius, hamstrings",
         "instructions": "Lie on your back with one knee bent, foot flat, and the other leg straight in the air or held to your chest.\n"
                      "Push through the heel of the bent leg and lift your hips level.\n"
                      "Hold for two seconds and lower slowly. Keep both hips at the same height.",
         "common_mistakes": "One hip dropping lower than the other.\n"
                         "Pushing through the toes instead of the heel.",
         "default_sets": 3, "default_reps": 10, "default_per_week": 3, "one_sided": True,
         "addresses": ["hip_extensors", "pelvic_control", "hip_abductors"],
         "progression_text": "Put the working foot on a step, or hold at the top for 5 seconds.",
         "regression": "glute-bridge", "regression_text": "Go back to the two-legged bridge."},
    {"slug": "lateral-band-walk", "name": "Lateral band walk", "region": "HIP", "category": "STRENGTH",
         "target_muscles": "Gluteus medius, tensor fasciae latae",
         "instructions": "Put a loop band around your legs just above the ankles.\n"
                      "Stand in a half-squat with feet hip-width apart and your chest up.\n"
                      "Step sideways with control, keeping tension on the band and your toes pointing forwards. Walk back the other way.",
         "common_mistakes": "Letting the knees fall inwards.\n"
                         "Leaning the body from side to side with each step.\n"
                         "Letting the band go slack between steps.",
         "default_sets": 3, "default_reps": 10, "default_per_week": 3,
         "addresses": ["hip_abductors", "knee_control"],
         "progression_text": "A stronger band, or the band around the forefoot.",
         "regression": "side-lying-hip-abduction", "regression_text": "Band above the knees, smaller steps."},
    {"slug": "hip-hike", "name": "Hip hike", "region": "HIP", "category": "CONTROL",
         "target_muscles": "Gluteus medius of the standing leg, quadratus lumborum",
         "instructions": "Stand side-on on a step on one leg, the other leg hanging free beside it.\n"
                      "Keeping both knees straight, let the free side of your pelvis drop a little, then lift it back up above level using the hip of the standing leg.\n"
                      "Move slowly; hold a rail or wall for balance if you need to.",
         "common_mistakes": "Bending the standing knee.\n"
                         "Leaning the trunk sideways instead of moving the pelvis.",
         "default_sets": 3, "default_reps": 12, "default_per_week": 3, "one_sided": True,
         "addresses": ["hip_abductors", "pelvic_control"],
         "progression_text": "Hold the top for 3 seconds, or hold a weight in the hand on the free side.",
         "regression": "side-lying-hip-abduction", "regression_text": "Do it standing on the floor, in front of a mirror."},
    {"slug": "single-leg-balance", "name": "Single-leg balance", "region": "HIP", "category": "CONTROL",
         "target_muscles": "Hip abductors, foot and ankle stabilisers",
         "instructions": "Stand on one leg with the knee soft, pelvis level and toes pointing forwards.\n"
                      "Keep your arch lifted and your weight over the ball of the foot and heel evenly.\n"
                      "Hold steady, then change legs.",
         "common_mistakes": "Letting the free hip drop.\n"
                         "Locking the standing knee straight.",
         "default_sets": 3, "default_hold_seconds": 30, "default_per_week": 5, "one_sided": True,
         "addresses": ["pelvic_control", "knee_control", "foot_intrinsics"],
         "progression": "single-leg-squat", "progression_text": "Close your eyes, or stand on a cushion.",
         "regression_text": "One fingertip on a wall."},
    {"slug": "single-leg-squat", "name": "Single-leg squat", "region": "KNEE", "category": "CONTROL",
         "target_muscles": "Quadriceps, gluteus maximus and medius",
         "instructions": "Stand on one leg, the other foot lifted just in front.\n"
                      "Sit back and down slowly, as if onto a chair, to a depth you can control.\n"
                      "Keep the knee pointing over the second toe and the pelvis level, then stand up.",
         "common_mistakes": "The knee falling inwards past the big toe.\n"
                         "The pelvis dropping or twisting.\n"
                         "Going deeper than you can control.",
         "default_sets": 3, "default_reps": 8, "default_per_week": 3, "one_sided": True,
         "addresses": ["knee_control", "hip_abductors", "quadriceps", "single_leg_control"],
         "progression_text": "Squat deeper to a lower box, or hold a weight.",
         "regression": "split-squat", "regression_text": "Squat to a high box or chair, or hold a rail."},
    {"slug": "step-down", "name": "Step-down", "region": "KNEE", "category": "CONTROL",
         "target_muscles": "Quadriceps, gluteus medius",
         "instructions": "Stand on one leg on a low step.\n"
                      "Slowly bend the standing knee to lower the other heel towards the floor in front, then straighten up before it takes weight.\n"
                      "Keep the knee in line with the second toe and the hips level.",
         "common_mistakes": "The knee moving inwards.\n"
                         "Dropping fast on the way down.\n"
                         "Leaning the trunk sideways.",
         "default_sets": 3, "default_reps": 10, "default_per_week": 3, "one_sided": True,
         "addresses": ["knee_control", "quadriceps", "hip_abductors", "single_leg_control"],
         "progression": "single-leg-squat", "progression_text": "A higher step, or a 3-second lowering.",
         "regression_text": "A lower step, with one hand on a rail."},
    {"slug": "step-up", "name": "Step-up", "region": "KNEE", "category": "STRENGTH",
         "target_muscles": "Quadriceps, gluteus maximus",
         "instructions": "Put one foot on a knee-height step.\n"
                      "Push through the whole foot on the step to stand up tall on it, without pushing off the back leg.\n"
                      "Lower slowly back down.",
         "common_mistakes": "Pushing off the back foot.\n"
                         "The knee falling inwards as you rise.",
         "default_sets": 3, "default_reps": 10, "default_per_week": 3, "one_sided": True,
         "addresses": ["quadriceps", "hip_extensors", "knee_control"],
         "progression": "step-down", "progression_text": "Hold dumbbells, or a higher step.",
         "regression_text": "A lower step."},
    {"slug": "split-squat", "name": "Split squat", "region": "KNEE", "category": "STRENGTH",
         "target_muscles": "Quadriceps, gluteus maximus",
         "instructions": "Stand in a long stride, back heel lifted.\n"
                      "Lower straight down until the back knee nearly touches the floor, keeping your trunk tall.\n"
                      "Push up through the front foot.",
         "common_mistakes": "The front knee falling inwards.\n"
                         "Leaning forwards.\n"
                         "A stride so short that the front heel lifts.",
         "default_sets": 3, "default_reps": 10, "default_per_week": 3, "one_sided": True,
         "addresses": ["quadriceps", "hip_extensors", "knee_control"],
         "progression": "rear-foot-elevated-split-squat", "progression_text": "Hold dumbbells, or raise the back foot.",
         "regression_text": "A shallower squat, holding a support."},
    {"slug": "rear-foot-elevated-split-squat", "name": "Rear-foot elevated split squat", "region": "KNEE", "category": "STRENGTH",
         "target_muscles": "Quadriceps, gluteus maximus, adductors",
         "instructions": "Stand in front of a bench with the top of your back foot resting on it.\n"
                      "Lower straight down on the front leg until the thigh is about level, then push back up.\n"
                      "Keep the front knee over the second toe.",
         "common_mistakes": "Front foot too close to the bench.\n"
                         "Pushing with the back leg.",
         "default_sets": 3, "default_reps": 8, "default_per_week": 2, "one_sided": True,
         "addresses": ["quadriceps", "hip_extensors", "knee_control", "single_leg_control"],
         "progression_text": "Hold dumbbells or a kettlebell.",
         "regression": "split-squat", "regression_text": "Back to the split squat with both feet on the floor."},
    {"slug": "single-leg-romanian-deadlift", "name": "Single-leg Romanian deadlift", "region": "HIP", "category": "STRENGTH",
         "target_muscles": "Hamstrings, gluteus maximus, trunk",
         "instructions": "Stand on one leg with a soft knee.\n"
                      "Hinge forward from the hip, letting the other leg go back in line with your body, until you feel a stretch behind the standing thigh.\n"
                      "Keep your back flat and hips square to the floor, then squeeze your buttock to stand back up.",
         "common_mistakes": "Rounding the back.\n"
                         "Opening the hip of the lifted leg towards the ceiling.\n"
                         "Bending the standing knee a lot (it becomes a squat).",
         "default_sets": 3, "default_reps": 8, "default_per_week": 3, "one_sided": True,
         "addresses": ["hip_extensors", "hamstrings", "trunk_control", "single_leg_control"],
         "progression_text": "Hold a kettlebell in the opposite hand.",
         "regression_text": "Keep the back toe on the floor (kickstand) or a fingertip on a wall."},
    {"slug": "wall-sit", "name": "Wall sit", "region": "KNEE", "category": "STRENGTH",
         "target_muscles": "Quadriceps",
         "instructions": "Lean your back against a wall and walk your feet forwards.\n"
                      "Slide down until your knees are bent to a comfortable angle (up to a right angle) with knees over your ankles.\n"
                      "Hold, breathing normally.",
         "common_mistakes": "Knees drifting in front of the toes or inwards.\n"
                         "Holding your breath.",
         "default_sets": 3, "default_hold_seconds": 45, "default_per_week": 3,
         "addresses": ["quadriceps"],
         "progression_text": "Go lower, or lift one foot.",
         "regression_text": "Bend the knees less."},
    {"slug": "goblet-squat", "name": "Goblet squat", "region": "KNEE", "category": "STRENGTH",
         "target_muscles": "Quadriceps, gluteus maximus, trunk",
         "instructions": "Hold a weight at your chest, feet a little wider than hips.\n"
                      "Sit down between your heels keeping your chest up and knees over your toes.\n"
                      "Drive up through the whole foot.",
         "common_mistakes": "Knees falling inwards.\n"
                         "Heels lifting.\n"
                         "Rounding the back at the bottom.",
         "default_sets": 3, "default_reps": 10, "default_per_week": 2,
         "addresses": ["quadriceps", "hip_extensors", "knee_control"],
         "progression": "split-squat", "progression_text": "A heavier weight.",
         "regression_text": "Squat to a chair with no weight."},
    {"slug": "copenhagen-plank", "name": "Copenhagen plank", "region": "HIP", "category": "STRENGTH",
         "target_muscles": "Hip adductors, trunk side muscles",
         "instructions": "Lie on your side with your top leg resting on a bench, the bench under the inside of your knee (short lever) or ankle (long lever).\n"
                      "Lift your hips so your body is in a straight line, with the bottom leg tucked under the bench.\n"
                      "Hold, then lower with control.",
         "common_mistakes": "Letting the hips sag or pike.\n"
                         "Starting on the long lever too soon.",
         "default_sets": 3, "default_hold_seconds": 20, "default_per_week": 2, "one_sided": True,
         "addresses": ["adductors", "trunk_control", "pelvic_control"],
         "progression_text": "Long lever: the bench under the ankle; then lift and lower the bottom leg.",
         "regression_text": "Short lever with the bottom knee on the floor for support."},
    {"slug": "calf-raise", "name": "Calf raise (both legs)", "region": "FOOT_ANKLE", "category": "STRENGTH",
         "target_muscles": "Gastrocnemius, soleus",
         "instructions": "Stand with the balls of your feet on the floor, fingertips on a wall.\n"
                      "Rise up as high as you can onto the balls of your feet, weight over the big and second toes.\n"
                      "Lower slowly over three seconds.",
         "common_mistakes": "Rolling out onto the little toes.\n"
                         "Bouncing at the bottom.",
         "default_sets": 3, "default_reps": 15, "default_per_week": 3,
         "addresses": ["calf_soleus", "big_toe"],
         "progression": "single-leg-calf-raise", "progression_text": "Move to single-leg calf raises.",
         "regression_text": "A smaller range."},
    {"slug": "single-leg-calf-raise", "name": "Single-leg calf raise", "region": "FOOT_ANKLE", "category": "STRENGTH",
         "target_muscles": "Gastrocnemius, soleus",
         "instructions": "Stand on one leg with the knee straight, fingertips on a wall for balance.\n"
                      "Rise up as high as you can through the big and second toes, then lower slowly.\n"
                      "Aim for 25 good repetitions over time; runners need a strong calf.",
         "common_mistakes": "Rolling onto the outside of the foot.\n"
                         "Leaning onto the wall to help.",
         "default_sets": 3, "default_reps": 15, "default_per_week": 3, "one_sided": True,
         "addresses": ["calf_soleus", "big_toe", "landing"],
         "progression": "heel-drop", "progression_text": "Off the edge of a step, then with a backpack or weight.",
         "regression": "calf-raise", "regression_text": "Both legs up, one leg down."},
    {"slug": "bent-knee-calf-raise", "name": "Bent-knee calf raise", "region": "FOOT_ANKLE", "category": "STRENGTH",
         "target_muscles": "Soleus",
         "instructions": "Stand on one leg with the knee bent about 30 degrees and keep it bent throughout.\n"
                      "Rise onto the ball of the foot, then lower slowly.",
         "common_mistakes": "Straightening the knee as you rise.",
         "default_sets": 3, "default_reps": 15, "default_per_week": 3, "one_sided": True,
         "addresses": ["calf_soleus", "landing"],
         "progression_text": "Hold a weight, or do it seated with a heavy weight on the knee.",
         "regression_text": "Both legs."},
    {"slug": "heel-drop", "name": "Heel drop off a step", "region": "FOOT_ANKLE", "category": "STRENGTH",
         "target_muscles": "Gastrocnemius, soleus, Achilles tendon",
         "instructions": "Stand with the balls of both feet on the edge of a step.\n"
                      "Rise up on both feet, take one foot off, and lower the heel of the other slowly below the step over three to four seconds.\n"
                      "Use both feet to rise again.",
         "common_mistakes": "Dropping quickly instead of lowering.\n"
                         "Rolling the ankle outwards.",
         "default_sets": 3, "default_reps": 15, "default_per_week": 3, "one_sided": True,
         "addresses": ["calf_soleus", "landing"],
         "progression_text": "Do it with the knee bent too; add a backpack with weight.",
         "regression": "single-leg-calf-raise", "regression_text": "Lower only to level."},
    {"slug": "toe-yoga", "name": "Toe yoga", "region": "FOOT_ANKLE", "category": "CONTROL",
         "target_muscles": "Flexor hallucis longus and brevis, foot intrinsics",
         "instructions": "Sit or stand with your feet flat.\n"
                      "Press the big toe down while lifting the other four toes, then swap: press the four small toes down while lifting the big toe.\n"
                      "Keep the foot and ankle still; only the toes move.",
         "common_mistakes": "Rolling the foot in or out to help.\n"
                         "Curling the toes instead of pressing them flat.",
         "default_sets": 3, "default_reps": 10, "default_per_week": 5,
         "addresses": ["big_toe", "foot_intrinsics"],
         "progression": "big-toe-press", "progression_text": "Do it standing, then on one leg.",
         "regression_text": "Help the toes with your hand at first."},
    {"slug": "big-toe-press", "name": "Big-toe press", "region": "FOOT_ANKLE", "category": "CONTROL",
         "target_muscles": "Flexor hallucis, peroneus longus, foot intrinsics",
         "instructions": "Stand with your weight over the ball of the foot.\n"
                      "Press the big toe and the ball of the big toe firmly into the floor without curling the toe, and feel the arch lift.\n"
                      "Hold for five seconds and relax.",
         "common_mistakes": "Gripping by curling the toes.\n"
                         "Rolling onto the outside of the foot.",
         "default_sets": 3, "default_reps": 10, "default_hold_seconds": 5, "default_per_week": 5, "one_sided": True,
         "addresses": ["big_toe", "foot_intrinsics", "foot_turn_out"],
         "progression_text": "On one leg, then during a slow calf raise.",
         "regression": "toe-yoga", "regression_text": "Seated, with less weight through the foot."},
    {"slug": "short-foot", "name": "Short foot (arch doming)", "region": "FOOT_ANKLE", "category": "CONTROL",
         "target_muscles": "Abductor hallucis, foot intrinsics",
         "instructions": "Sit or stand with the foot flat.\n"
                      "Without curling the toes, draw the ball of the foot towards the heel so the arch lifts into a dome.\n"
                      "Hold, then relax.",
         "common_mistakes": "Curling the toes.\n"
                         "Lifting the ball of the foot off the floor.",
         "default_sets": 3, "default_reps": 10, "default_hold_seconds": 5, "default_per_week": 5,
         "addresses": ["foot_intrinsics"],
         "progression_text": "Standing, then on one leg.",
         "regression_text": "Seated, with hands guiding the foot."},
    {"slug": "tibialis-raise", "name": "Tibialis raise", "region": "FOOT_ANKLE", "category": "STRENGTH",
         "target_muscles": "Tibialis anterior",
         "instructions": "Lean your back against a wall with your heels about a foot away.\n"
                      "Lift your toes and forefoot as high as you can, keeping the heels down, then lower slowly.",
         "common_mistakes": "Bending at the hips.\n"
                         "Lowering quickly.",
         "default_sets": 3, "default_reps": 15, "default_per_week": 3,
         "addresses": ["landing"],
         "progression_text": "Heels further from the wall.",
         "regression_text": "Heels closer to the wall."},
    {"slug": "dead-bug", "name": "Dead bug", "region": "TRUNK", "category": "CONTROL",
         "target_muscles": "Deep abdominals, obliques",
         "instructions": "Lie on your back, arms pointing to the ceiling, hips and knees bent to a right angle.\n"
                      "Gently flatten your lower back into the floor.\n"
                      "Slowly lower one arm behind you and the opposite leg towards the floor, breathing out, then return and swap sides.",
         "common_mistakes": "The lower back arching off the floor.\n"
                         "Holding your breath.\n"
                         "Moving fast.",
         "default_sets": 3, "default_reps": 10, "default_per_week": 3,
         "addresses": ["trunk_control", "pelvic_control"],
         "progression_text": "Straighter legs, or hold a light weight in the hands.",
         "regression_text": "Move the legs only, heels tapping the floor."},
    {"slug": "side-plank", "name": "Side plank", "region": "TRUNK", "category": "STRENGTH",
         "target_muscles": "Obliques, quadratus lumborum, gluteus medius",
         "instructions": "Lie on your side, propped on your forearm with the elbow under the shoulder.\n"
                      "Lift your hips so your body is in a straight line from head to feet.\n"
                      "Hold, breathing normally.",
         "common_mistakes": "Hips sagging towards the floor.\n"
                         "Rolling forwards.",
         "default_sets": 3, "default_hold_seconds": 30, "default_per_week": 3, "one_sided": True,
         "addresses": ["trunk_control", "hip_abductors", "pelvic_control"],
         "progression_text": "Lift the top leg, or add slow hip dips.",
         "regression_text": "Knees bent, hips lifted from the knees."},
    {"slug": "front-plank", "name": "Front plank", "region": "TRUNK", "category": "STRENGTH",
         "target_muscles": "Abdominals, trunk",
         "instructions": "Prop yourself on your forearms and toes, elbows under shoulders.\n"
                      "Keep a straight line from head to heels with a gentle pull of the belly button towards the spine.\n"
                      "Hold, breathing normally.",
         "common_mistakes": "Hips sagging or piking up.\n"
                         "Holding your breath.",
         "default_sets": 3, "default_hold_seconds": 30, "default_per_week": 3,
         "addresses": ["trunk_control"],
         "progression_text": "Lift one foot, or reach one arm forward.",
         "regression_text": "On the knees."},
    {"slug": "bird-dog", "name": "Bird dog", "region": "TRUNK", "category": "CONTROL",
         "target_muscles": "Back extensors, gluteus maximus, deep abdominals",
         "instructions": "Kneel on all fours, hands under shoulders and knees under hips.\n"
                      "Reach one arm forwards and the opposite leg back until both are level with your body.\n"
                      "Hold for two seconds without the pelvis tipping, then swap.",
         "common_mistakes": "Arching the lower back.\n"
                         "Twisting the pelvis as the leg lifts.",
         "default_sets": 3, "default_reps": 10, "default_per_week": 3,
         "addresses": ["trunk_control", "hip_extensors", "pelvic_control"],
         "progression_text": "Touch elbow to knee under the body between reaches.",
         "regression_text": "Move only the leg, or only the arm."},
    {"slug": "pallof-press", "name": "Pallof press", "region": "TRUNK", "category": "CONTROL",
         "target_muscles": "Obliques, deep abdominals (resisting rotation)",
         "instructions": "Stand side-on to a band anchored at chest height, holding it at your chest with both hands.\n"
                      "Press the hands straight out in front of you and hold, without letting the band turn you.\n"
                      "Bring the hands back slowly.",
         "common_mistakes": "Letting the trunk rotate towards the anchor.\n"
                         "Leaning away from the band.",
         "default_sets": 3, "default_reps": 10, "default_per_week": 3, "one_sided": True,
         "addresses": ["trunk_control", "arm_drive"],
         "progression_text": "Step further from the anchor, or in a split stance.",
         "regression_text": "A lighter band."},
    {"slug": "hip-airplane", "name": "Hip airplane", "region": "HIP", "category": "CONTROL",
         "target_muscles": "Hip rotators, gluteus maximus and medius",
         "instructions": "Stand on one leg and hinge forward until your trunk is nearly level, other leg behind you.\n"
                      "Slowly rotate your pelvis open towards the lifted leg's side, then close it back over the standing hip.\n"
                      "Keep the standing knee pointing forwards.",
         "common_mistakes": "Turning the shoulders instead of the pelvis.\n"
                         "The standing knee moving in.",
         "default_sets": 3, "default_reps": 5, "default_per_week": 3, "one_sided": True,
         "addresses": ["hip_external_rotators", "pelvic_control", "knee_control", "single_leg_control"],
         "progression_text": "Slower, with eyes closed.",
         "regression": "single-leg-romanian-deadlift", "regression_text": "Hold a support with one hand."},
    {"slug": "pogo-hops", "name": "Pogo hops", "region": "FOOT_ANKLE", "category": "CONTROL",
         "target_muscles": "Calf and Achilles tendon (springiness), foot",
         "instructions": "Stand tall with feet hip-width apart.\n"
                      "Make small, quick, quiet hops on the balls of your feet, knees nearly straight, as if the floor were hot.\n"
                      "Stop the set as soon as the hops get loud or heavy.",
         "common_mistakes": "Landing on the heels.\n"
                         "Bending the knees deeply.\n"
                         "Loud landings.",
         "default_sets": 3, "default_reps": 20, "default_per_week": 2,
         "addresses": ["landing", "calf_soleus", "cadence"],
         "progression_text": "On one leg, or forwards and backwards over a line.",
         "regression": "calf-raise", "regression_text": "Quick calf raises without leaving the floor."},
    {"slug": "arm-swing-drill", "name": "Arm swing drill", "region": "TRUNK", "category": "CONTROL",
         "target_muscles": "Shoulder extensors, upper back, trunk",
         "instructions": "Stand tall (or sit on the floor) with elbows bent at about a right angle.\n"
                      "Swing the arms from the shoulders: hands come up to chest height in front and elbows drive back past your side.\n"
                      "Keep the hands from crossing the middle of your body and the chest open.",
         "common_mistakes": "Hands crossing in front of the body.\n"
                         "Shrugging the shoulders.",
         "default_sets": 3, "default_hold_seconds": 30, "default_per_week": 3,
         "addresses": ["arm_drive", "posture"],
         "progression_text": "Hold light weights, or march on the spot with the arm swing.",
         "regression_text": "Slower, in front of a mirror."},
    {"slug": "wall-march", "name": "Wall march", "region": "HIP", "category": "CONTROL",
         "target_muscles": "Hip flexors, gluteus maximus, trunk",
         "instructions": "Lean into a wall with straight arms, body in a straight line, up on the balls of your feet.\n"
                      "Drive one knee up to hip height, then swap legs in a steady rhythm, staying tall.\n"
                      "Keep the pelvis level and the trunk still.",
         "common_mistakes": "Bending at the hips.\n"
                         "Landing flat-footed.",
         "default_sets": 3, "default_reps": 10, "default_per_week": 3, "one_sided": True,
         "addresses": ["trunk_control", "posture", "cadence", "hip_extensors"],
         "progression_text": "Faster, to a metronome.",
         "regression_text": "Marching on the spot, standing tall."},
]

CUES = [
    {"slug": "run-quietly", "title": "Run quietly (soft landing)",
         "client_wording": "Run as quietly as you can, as if you didn't want anyone to hear you. Land softly under your body.",
         "therapist_note": "Reduces impact loading and often shifts the landing from a heavy heel strike; good for overstriding and loud footfalls.",
         "addresses": ["heel_strike", "overstride", "landing"]},
    {"slug": "cadence", "title": "Cadence +5–10 %",
         "client_wording": "Take slightly quicker, shorter steps at the same speed.",
         "therapist_note": "A 5–10 % cadence increase reduces overstride and hip and knee loading. Build up over two to three weeks.",
         "addresses": ["cadence", "overstride", "heel_strike"], "uses_metronome": True},
    {"slug": "knees-over-toes", "title": "Knees over toes",
         "client_wording": "Keep your knees pointing the same way as your toes; imagine headlights on your knees shining forwards.",
         "therapist_note": "External cue for dynamic knee valgus.",
         "addresses": ["knee_control", "knee_valgus"]},
    {"slug": "arms-back-chest-open", "title": "Drive the arms back, open the chest",
         "client_wording": "Drive your elbows back and keep your chest open; your hands should not cross the middle of your body.",
         "therapist_note": "For arm crossover and trunk rotation.",
         "addresses": ["arm_drive", "arm_crossover"]},
    {"slug": "tall-posture", "title": "Run tall",
         "client_wording": "Run tall, as if a string were pulling the top of your head up; lean from the ankles, not the waist.",
         "therapist_note": "For forward trunk lean from the hips.",
         "addresses": ["posture", "trunk_lean"]},
    {"slug": "belly-button-to-spine", "title": "Belly button to spine (neutral pelvis)",
         "client_wording": "Gently draw your belly button towards your spine so your pelvis stays level, like a bowl of water you don't want to spill.",
         "therapist_note": "For anterior pelvic tilt and lumbar extension; pair with trunk control work.",
         "addresses": ["trunk_control", "pelvic_control", "trunk_lean"]},
    {"slug": "push-off-big-toe", "title": "Push off through the big and second toe",
         "client_wording": "Push off the ground through your big and second toe, not the outside of your foot.",
         "therapist_note": "For foot turn-out and lateral push-off.",
         "addresses": ["big_toe", "foot_turn_out"]},
    {"slug": "even-weight", "title": "Even weight through both feet",
         "client_wording": "Feel each foot land with the same weight and sound; listen for an even rhythm.",
         "therapist_note": "For side-to-side asymmetry, e.g. after an injury.",
         "addresses": ["pelvic_control", "landing"]},
    {"slug": "level-pelvis", "title": "Keep the hips level",
         "client_wording": "Keep your hips level as you land, as if you had a torch on each hip shining forwards.",
         "therapist_note": "For contralateral pelvic drop.",
         "addresses": ["pelvic_control", "pelvic_drop", "hip_abductors"]},
]
# fmt: on


def seed_builtin_library(Exercise, RetrainingCue) -> None:
    """Create or refresh the built-in rows. Takes the model classes, so the data migration can
    pass its historical models (and tests re-seed after a transactional test empties tables)."""
    links = {}
    for data in EXERCISES:
        data = dict(data)
        links[data["slug"]] = (data.pop("progression", None), data.pop("regression", None))
        Exercise.objects.update_or_create(
            slug=data["slug"],
            defaults={**data, "builtin": True, "illustration": f"exercises/illustrations/{data['slug']}.svg"},
        )
    by_slug = {e.slug: e for e in Exercise.objects.filter(slug__in=links)}
    for slug, (progression, regression) in links.items():
        exercise = by_slug[slug]
        exercise.progression = by_slug.get(progression)
        exercise.regression = by_slug.get(regression)
        exercise.save(update_fields=["progression", "regression"])
    for data in CUES:
        RetrainingCue.objects.update_or_create(slug=data["slug"], defaults={**data, "builtin": True})
